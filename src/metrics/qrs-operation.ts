const GUID_SEGMENT = /\/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}(?=\/|$)/gi;

/**
 * The operation label of a QRS call: method and path with every GUID segment as `{id}`
 * (`POST /task/{id}/start/synchronous`), so the label has one value per kind of call.
 * Paths come from the client's code, never from callers, apart from those ids.
 */
export function qrsOperationOf(method: string, path: string): string {
  return `${method} ${path.replace(GUID_SEGMENT, '/{id}')}`;
}
