/**
 * Base of every error this service raises on purpose. Each subclass has a stable `code`
 * (callers branch on it, never on message text) and the HTTP status a request that hit it
 * should get. The HTTP error handler turns any ServiceError into `{statusCode, error, message}`.
 */
export class ServiceError extends Error {
  readonly code: string;
  readonly statusCode: number;

  constructor(code: string, statusCode: number, message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = new.target.name;
    this.code = code;
    this.statusCode = statusCode;
  }
}

/** A request that is well-formed JSON but asks for something the service refuses. */
export class BadRequestError extends ServiceError {
  constructor(message: string) {
    super('ERR_BAD_REQUEST', 400, message);
  }
}

/**
 * Work not done because the request it served was given up: its client went away, or
 * another part of it failed. 499, as proxies log a request whose client closed it.
 */
export class RequestCancelledError extends ServiceError {
  constructor(message: string) {
    super('ERR_REQUEST_CANCELLED', 499, message);
  }
}

/** A configuration problem found at startup; `keyPath` is the Butler YAML key at fault. */
export class ConfigError extends ServiceError {
  readonly keyPath: string;

  constructor(keyPath: string, message: string, options?: ErrorOptions) {
    super('ERR_CONFIG', 500, message, options);
    this.keyPath = keyPath;
  }
}

/**
 * What a caller sent, for the "(got ...)" of a validation message: its kind ("a number",
 * "an array", null), never its content, which may be long or secret.
 */
export function kindOf(value: unknown): string {
  if (value === null || value === undefined) return String(value);
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'object' ? 'an object' : `a ${typeof value}`;
}
