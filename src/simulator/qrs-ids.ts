import { createHash } from 'node:crypto';

/** QRS's "never" date, used for unset timestamps. */
export const NEVER = '1753-01-01T00:00:00.000Z';
export const EMPTY_GUID = '00000000-0000-0000-0000-000000000000';

// Keys name fixture things (tasks, tags, custom properties, the node), so this stays small;
// a SHA-1 per key and answer made hashing a tenth of the simulator's CPU under load.
const guidsByKey = new Map<string, string>();

/** A GUID derived from `key`, so tags and custom properties keep their ids across runs. */
export function stableGuid(key: string): string {
  let guid = guidsByKey.get(key);
  if (guid === undefined) {
    guid = guidFromHash(key);
    guidsByKey.set(key, guid);
  }
  return guid;
}

function guidFromHash(key: string): string {
  const hex = createHash('sha1').update(key).digest('hex');
  const variant = ((parseInt(hex.slice(16, 18), 16) & 0x3f) | 0x80).toString(16);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-5${hex.slice(13, 16)}-${variant}${hex.slice(18, 20)}-${hex.slice(20, 32)}`;
}
