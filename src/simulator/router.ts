import type { SimRequest, SimResponse } from './http-types.js';

export type RouteHandler = (req: SimRequest, params: readonly string[]) => SimResponse;

export interface Route {
  method: string;
  /** Matched against the whole lower-cased path; capture groups become `params`. */
  pattern: RegExp;
  handler: RouteHandler;
}

export const GUID_SEGMENT = '([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})';

export function route(method: string, path: string, handler: RouteHandler): Route {
  return { method, pattern: new RegExp(`^${path}$`), handler };
}

/** First route whose method and pattern match; `null` means 404 (QRS has no 405s we rely on). */
export function findRoute(routes: readonly Route[], method: string, path: string): { route: Route; params: string[] } | null {
  for (const candidate of routes) {
    if (candidate.method !== method) continue;
    const match = candidate.pattern.exec(path);
    if (match !== null) return { route: candidate, params: match.slice(1).map((p) => p ?? '') };
  }
  return null;
}
