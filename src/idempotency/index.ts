export {
  createIdempotencyGuard,
  MAX_IDEMPOTENCY_KEY_LENGTH,
  readIdempotencyKey,
  type IdempotencyGuard,
  type IdempotentRequest,
} from './guard.js';
export { IdempotencyInProgressError, IdempotencyKeyReusedError, IdempotencyUnavailableError } from './errors.js';
export { createMemoryIdempotencyStore } from './memory-store.js';
export { openIdempotencyStore } from './open.js';
export type { IdempotencyStore, StoredAnswer } from './types.js';
