/**
 * The operation label of a Qlik Cloud call: method and path with every id as a placeholder
 * (`GET /api/v1/reloads/{id}`), so labels never carry app or reload ids. A path not listed
 * here (a new call) is `other`, never itself.
 */
const TEMPLATES: readonly (readonly [RegExp, string])[] = [
  [/^\/api\/v1\/reloads\/[^/]+$/, '/api/v1/reloads/{id}'],
  [/^\/api\/v1\/apps\/[^/]+\/reloads\/logs\/[^/]+$/, '/api/v1/apps/{appId}/reloads/logs/{reloadId}'],
  [/^\/api\/v1\/collections\/[^/]+\/items$/, '/api/v1/collections/{id}/items'],
  [/^\/(api\/v1\/(reloads|items|collections)|oauth\/token)$/, ''],
];

export function qlikCloudOperationOf(method: string, path: string): string {
  const found = TEMPLATES.find(([pattern]) => pattern.test(path));
  if (found === undefined) return `${method} other`;
  return `${method} ${found[1] === '' ? path : found[1]}`;
}

/** `2xx`, `4xx`, ... of an answer's status; `none` when no answer came (timeout, connection failure). */
export function statusClassOf(status: number | undefined): string {
  return status === undefined ? 'none' : `${Math.floor(status / 100)}xx`;
}
