import { ServiceError } from '../../errors.js';

/** No valid API key: missing, unknown, or sent in a way the service does not accept. */
export class UnauthorizedError extends ServiceError {
  constructor(message: string) {
    super('ERR_UNAUTHORIZED', 401, message);
  }
}

/** A valid API key without the scope the endpoint needs. */
export class ForbiddenError extends ServiceError {
  constructor(message: string) {
    super('ERR_FORBIDDEN', 403, message);
  }
}
