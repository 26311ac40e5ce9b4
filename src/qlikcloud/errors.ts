import { ServiceError } from '../errors.js';

/** Where a failed Qlik Cloud call went and what came back, for error messages and log lines. */
export interface CloudCallContext {
  readonly method: string;
  /** Path of the call under the tenant URL, e.g. `/api/v1/reloads` (never a token). */
  readonly endpoint: string;
  readonly status?: number;
  /** Qlik Cloud's error code (`errors[0].code`), when it sent one. */
  readonly errorCode?: string;
  /** A short excerpt of what Qlik Cloud answered. */
  readonly bodyExcerpt?: string;
  /** A 429's `Retry-After`, in seconds, when Qlik Cloud sent one. */
  readonly retryAfterSeconds?: number;
}

/** Base of every failure to get a usable answer from Qlik Cloud. */
export class QlikCloudError extends ServiceError {
  readonly method: string;
  readonly endpoint: string;
  readonly status: number | undefined;
  readonly errorCode: string | undefined;
  readonly bodyExcerpt: string | undefined;
  readonly retryAfterSeconds: number | undefined;

  constructor(code: string, statusCode: number, context: CloudCallContext, reason: string, options?: ErrorOptions) {
    super(code, statusCode, `Qlik Cloud ${context.method} ${context.endpoint} failed: ${reason}`, options);
    this.method = context.method;
    this.endpoint = context.endpoint;
    this.status = context.status;
    this.errorCode = context.errorCode;
    this.bodyExcerpt = context.bodyExcerpt;
    this.retryAfterSeconds = context.retryAfterSeconds;
  }
}

/** Qlik Cloud could not be reached: connection refused, reset or dropped, DNS or TLS failure. */
export class QlikCloudUnavailableError extends QlikCloudError {
  constructor(context: CloudCallContext, reason: string, options?: ErrorOptions) {
    super('ERR_QLIK_CLOUD_UNAVAILABLE', 503, context, reason, options);
  }
}

/** Qlik Cloud did not answer within Butler.qlikCloud.timeoutMs. */
export class QlikCloudTimeoutError extends QlikCloudError {
  constructor(context: CloudCallContext, reason: string, options?: ErrorOptions) {
    super('ERR_QLIK_CLOUD_TIMEOUT', 504, context, reason, options);
  }
}

/** Qlik Cloud answered, but not with something we can use: 5xx, 401/403, rate limit past the bound, bad body. */
export class QlikCloudResponseError extends QlikCloudError {
  constructor(context: CloudCallContext, reason: string, options?: ErrorOptions) {
    super('ERR_QLIK_CLOUD_RESPONSE', 502, context, reason, options);
  }
}
