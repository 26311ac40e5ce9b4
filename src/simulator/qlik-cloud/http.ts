/** A request after transport checks, as the route handlers see it. */
export interface CloudRequest {
  method: string;
  /** Path as sent (Qlik Cloud paths are case-sensitive), without the query. */
  path: string;
  /** Query parameters, decoded (names case-sensitive, as Qlik Cloud reads them). */
  query: URLSearchParams;
  body: Buffer;
  /** `http://<host>` the client addressed, for the absolute links Qlik Cloud answers with. */
  baseUrl: string;
  caller: Caller;
}

/** Who a valid bearer token stands for. */
export interface Caller {
  userId: string;
  /** OAuth machine-to-machine clients act as tenant admins; an API key acts as its user [DOC]. */
  isAdmin: boolean;
}

export interface CloudResponse {
  status: number;
  headers?: Record<string, string>;
  body?: string;
}

export function jsonResponse(status: number, value: unknown): CloudResponse {
  return { status, headers: { 'content-type': 'application/json; charset=utf-8' }, body: JSON.stringify(value) };
}

export function textResponse(status: number, text: string): CloudResponse {
  return { status, headers: { 'content-type': 'text/plain; charset=UTF-8' }, body: text };
}

/** Qlik Cloud's error body: `{"errors": [{code, title, detail}]}`. */
export function errorResponse(status: number, code: string, title: string, detail: string, headers: Record<string, string> = {}): CloudResponse {
  const answer = jsonResponse(status, { errors: [{ code, title, detail }] });
  return { ...answer, headers: { ...answer.headers, ...headers } };
}

export function badRequest(detail: string): CloudResponse {
  return errorResponse(400, 'HTTP-400', 'Bad Request', detail);
}

export function notFound(detail: string): CloudResponse {
  return errorResponse(404, 'HTTP-404', 'Not Found', detail);
}

/** Thrown by handlers for a request Qlik Cloud would refuse; the server answers its response. */
export class CloudRequestError extends Error {
  readonly code = 'SIM_ERR_CLOUD_REQUEST';

  constructor(readonly response: CloudResponse) {
    super(`request refused with ${response.status}`);
    this.name = 'CloudRequestError';
  }
}

/** A 400 to throw: the request's parameters or body break a rule. */
export function invalid(detail: string): CloudRequestError {
  return new CloudRequestError(badRequest(detail));
}

/** Qlik's rate-limit answer [DOC]: nothing was done, retry after the wait. */
export function rateLimited(retryAfterSeconds: number): CloudResponse {
  return errorResponse(429, 'HTTP-429', 'API rate limit reached.', `Retry after ${retryAfterSeconds} seconds`, {
    'retry-after': String(retryAfterSeconds),
  });
}

/** A simulated server fault with this status. */
export function simulatedFailure(status: number): CloudResponse {
  return errorResponse(status, `HTTP-${status}`, 'Simulated failure', 'the simulator was told to fail this request');
}

/** The body as a JSON object, or null when it is not one. */
export function parseJsonObject(body: Buffer): Record<string, unknown> | null {
  try {
    const value: unknown = JSON.parse(body.toString('utf8'));
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}
