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

/** The first request with this key is still starting its tasks. */
export class IdempotencyInProgressError extends ServiceError {
  constructor() {
    super(
      'ERR_IDEMPOTENCY_IN_PROGRESS',
      409,
      'A request with this Idempotency-Key is still starting its tasks; repeat it once it has started them to get what it started',
    );
  }
}

/**
 * The first request with this key stopped holding it without recording what it started
 * (its instance stopped, or the answer could not be stored): running it again could start
 * its tasks twice.
 */
export class IdempotencyOutcomeUnknownError extends ServiceError {
  constructor() {
    super(
      'ERR_IDEMPOTENCY_OUTCOME_UNKNOWN',
      409,
      'The first request with this Idempotency-Key did not record what it started (its instance stopped, or its answer could not be stored); ' +
        'its tasks may have started. Nothing was started now: check what runs, then use a new key to start again',
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
