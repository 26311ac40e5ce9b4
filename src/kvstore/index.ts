export { createKvStore, type KvStoreDeps } from './store.js';
export {
  KvDisabledError,
  KvError,
  KvLimitError,
  KvNotFoundError,
  KvUnavailableError,
  type KvLimitName,
} from './errors.js';
export { parseTtl } from './ttl.js';
export type { KvPair, KvStore } from './types.js';
