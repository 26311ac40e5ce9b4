import type { CloudRequest, CloudResponse } from './http.js';

export type RouteHandler = (req: CloudRequest, params: Readonly<Record<string, string>>) => CloudResponse;

export interface Route {
  /** `METHOD /path/{param}`: what stats count requests by, never the raw URL. */
  endpoint: string;
  method: string;
  pattern: RegExp;
  paramNames: readonly string[];
  handler: RouteHandler;
}

/** A route from a path template whose `{name}` segments become params (decoded). */
export function route(method: string, template: string, handler: RouteHandler): Route {
  const paramNames: string[] = [];
  const source = template
    .split('/')
    .map((segment) => {
      const param = /^\{(\w+)\}$/.exec(segment);
      if (param?.[1] === undefined) return segment.replace(/[.*+?^$()|[\]\\]/g, '\\$&');
      paramNames.push(param[1]);
      return '([^/]+)';
    })
    .join('/');
  return { endpoint: `${method} ${template}`, method, pattern: new RegExp(`^${source}/?$`), paramNames, handler };
}

export interface RouteMatch {
  route: Route;
  params: Record<string, string>;
}

/** The first route whose method and template match `path`, or null (a 404). */
export function findRoute(routes: readonly Route[], method: string, path: string): RouteMatch | null {
  for (const candidate of routes) {
    if (candidate.method !== method) continue;
    const match = candidate.pattern.exec(path);
    if (match === null) continue;
    const params: Record<string, string> = {};
    try {
      candidate.paramNames.forEach((name, i) => (params[name] = decodeURIComponent(match[i + 1] ?? '')));
    } catch {
      continue;
    }
    return { route: candidate, params };
  }
  return null;
}
