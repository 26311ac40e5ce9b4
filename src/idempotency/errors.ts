import { ServiceError } from '../errors.js';

/** The key was first used with another method, URL or body. */
export class IdempotencyKeyReusedError extends ServiceError {
  constructor() {
    super(
      'ERR_IDEMPOTENCY_KEY_REUSED',
      409,
      'Idempotency-Key was already used with a different request (method, URL or body); use a new key for a new request',
    );
  }
}

/** The first request with this key has not answered yet. */
export class IdempotencyInProgressError extends ServiceError {
  constructor() {
    super(
      'ERR_IDEMPOTENCY_IN_PROGRESS',
      409,
      'A request with this Idempotency-Key is still running; repeat it after it has answered to get its answer',
    );
  }
}

/** The backend holding the keys could not be asked: nothing was started. */
export class IdempotencyUnavailableError extends ServiceError {
  constructor(cause: unknown) {
    const reason = cause instanceof Error ? cause.message : String(cause);
    super('ERR_IDEMPOTENCY_UNAVAILABLE', 503, `Idempotency-Key could not be checked (key-value backend failed: ${reason}); nothing was started`, {
      cause,
    });
  }
}
