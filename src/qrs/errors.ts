import { ServiceError } from '../errors.js';

/** Where a failed QRS call went and what came back, for error messages and log lines. */
export interface QrsCallContext {
  readonly method: string;
  /** Path of the call under the QRS origin, e.g. `/qrs/task/full` (never the xrfkey). */
  readonly endpoint: string;
  readonly status?: number;
  /** At most BODY_EXCERPT_LENGTH characters of what QRS answered. */
  readonly bodyExcerpt?: string;
}

const BODY_EXCERPT_LENGTH = 200;

/** Shortens a QRS answer so it can ride along in an error without flooding logs. */
export function excerptOf(body: string): string {
  return body.length > BODY_EXCERPT_LENGTH ? body.slice(0, BODY_EXCERPT_LENGTH) : body;
}

/** Base of every failure to get a usable answer from QRS. */
export class QrsError extends ServiceError {
  readonly method: string;
  readonly endpoint: string;
  readonly status: number | undefined;
  readonly bodyExcerpt: string | undefined;

  constructor(
    code: string,
    statusCode: number,
    context: QrsCallContext,
    reason: string,
    options?: ErrorOptions,
  ) {
    super(code, statusCode, `QRS ${context.method} ${context.endpoint} failed: ${reason}`, options);
    this.method = context.method;
    this.endpoint = context.endpoint;
    this.status = context.status;
    this.bodyExcerpt = context.bodyExcerpt;
  }
}

/** QRS could not be reached: connection refused, reset or dropped, DNS or TLS failure. */
export class QrsUnavailableError extends QrsError {
  constructor(context: QrsCallContext, reason: string, options?: ErrorOptions) {
    super('ERR_QRS_UNAVAILABLE', 503, context, reason, options);
  }
}

/** QRS did not answer within the configured timeout. */
export class QrsTimeoutError extends QrsError {
  constructor(context: QrsCallContext, reason: string, options?: ErrorOptions) {
    super('ERR_QRS_TIMEOUT', 504, context, reason, options);
  }
}

/** QRS answered, but not with something we can use: 5xx, 401/403, other status, bad body. */
export class QrsResponseError extends QrsError {
  constructor(context: QrsCallContext, reason: string, options?: ErrorOptions) {
    super('ERR_QRS_RESPONSE', 502, context, reason, options);
  }
}
