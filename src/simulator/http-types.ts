/** A request after transport checks: path lower-cased (QRS paths are case-insensitive). */
export interface SimRequest {
  method: string;
  path: string;
  /** Query parameters by lower-cased name, values decoded; the first occurrence wins. */
  query: ReadonlyMap<string, string>;
  body: Buffer;
}

export interface SimResponse {
  status: number;
  contentType?: string;
  body?: string;
}

export function jsonResponse(status: number, value: unknown): SimResponse {
  return { status, contentType: 'application/json; charset=utf-8', body: JSON.stringify(value) };
}

export function textResponse(status: number, message: string): SimResponse {
  return { status, contentType: 'text/plain; charset=utf-8', body: message };
}

export function emptyResponse(status: number): SimResponse {
  return { status };
}

export const NOT_FOUND = textResponse(404, 'Not Found');

/** Never answered: the connection stays open until the client gives up (or the simulator closes). */
export const NO_ANSWER: SimResponse = { status: 0 };
