export {
  createIdempotencyGuard,
  type GuardedAnswer,
  MAX_IDEMPOTENCY_KEY_LENGTH,
  readIdempotencyKey,
  type IdempotencyGuard,
  type IdempotentRequest,
  type RepeatEvery,
} from './guard.js';
export {
  IdempotencyInProgressError,
  IdempotencyKeyReusedError,
  IdempotencyOutcomeUnknownError,
  IdempotencyUnavailableError,
} from './errors.js';
export { createMemoryIdempotencyStore } from './memory-store.js';
export { openIdempotencyStore } from './open.js';
export type { IdempotencyStore, StoredAnswer } from './types.js';
