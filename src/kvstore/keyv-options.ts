import type { Deserialize, KeyvOptions, Serialize } from 'keyv';

const serialize: Serialize = (data) => JSON.stringify(data);
const deserialize: Deserialize = (text) => JSON.parse(text);

/**
 * Options every Keyv instance of this store uses: keys pass through untouched (no "keyv:"
 * prefix), backend errors are thrown instead of becoming `undefined`/`false`, and values
 * are plain JSON (see record.ts).
 */
export const KEYV_OPTIONS: Omit<KeyvOptions, 'store'> = {
  namespace: undefined,
  useKeyPrefix: false,
  throwOnErrors: true,
  serialize,
  deserialize,
};
