import type { ApiScope, OpenEndpoint } from '../../config/settings.js';
import { DOCS_PREFIX } from '../swagger.js';

/** What a request needs to get past authorization when auth is on. */
export type Requirement =
  | { readonly kind: 'open' }
  | { readonly kind: 'anyKey' }
  | { readonly kind: 'scope'; readonly scope: ApiScope };

interface ScopedRoute {
  readonly methods: readonly string[];
  /** The route's URL pattern exactly as registered (`request.routeOptions.url`). */
  readonly url: string;
  readonly scope: ApiScope;
}

/**
 * Every endpoint and the scope it needs: the one place that says who may call what, so it
 * can be reviewed at a glance. Method overrides are applied before routing, so a POST with
 * `X-HTTP-Method-Override: DELETE` needs what a DELETE needs.
 */
export const SCOPED_ROUTES: readonly ScopedRoute[] = [
  { methods: ['PUT', 'POST'], url: '/v4/reloadtask/:taskId/start', scope: 'startTask' },
  { methods: ['GET'], url: '/v4/reloadtask/execution/:executionId', scope: 'executionRead' },
  { methods: ['GET'], url: '/v4/keyvaluesnamespaces', scope: 'kvRead' },
  { methods: ['GET'], url: '/v4/keyvalues/:namespace', scope: 'kvRead' },
  { methods: ['GET'], url: '/v4/keyvalues/:namespace/keyexists', scope: 'kvRead' },
  { methods: ['GET'], url: '/v4/keylist/:namespace', scope: 'kvRead' },
  { methods: ['POST'], url: '/v4/keyvalues/:namespace', scope: 'kvWrite' },
  { methods: ['DELETE'], url: '/v4/keyvalues/:namespace/:key', scope: 'kvWrite' },
  { methods: ['DELETE'], url: '/v4/keyvalues/:namespace', scope: 'kvWrite' },
  { methods: ['GET'], url: '/v4/configfile/endpointsenabled', scope: 'admin' },
  { methods: ['GET'], url: '/metrics', scope: 'metrics' },
];

/** Endpoints `auth.openEndpoints` may serve without a key; when not listed they need any valid key. */
const OPENABLE: Record<OpenEndpoint, (method: string, url: string) => boolean> = {
  health: (method, url) => method === 'GET' && url === '/health',
  ready: (method, url) => method === 'GET' && url === '/ready',
  butlerping: (method, url) => method === 'GET' && url === '/v4/butlerping',
  documentation: (method, url) => method === 'GET' && (url === DOCS_PREFIX || url.startsWith(`${DOCS_PREFIX}/`)),
  metrics: (method, url) => method === 'GET' && url === '/metrics',
};

/**
 * Routes that authenticate their callers themselves and take no API key: Qlik Cloud cannot
 * send one, so its webhook events prove their origin with the `Qlik-Signature` HMAC, which
 * the route checks before reading anything.
 */
const SELF_AUTHENTICATED: readonly { readonly method: string; readonly url: string }[] = [
  { method: 'POST', url: '/v4/qlikcloud/webhook' },
];

const selfAuthenticated = (method: string, url: string) => SELF_AUTHENTICATED.some((route) => route.method === method && route.url === url);

/** Scopes that come with another: a caller that starts reloads may follow them. */
const IMPLIED: Partial<Record<ApiScope, readonly ApiScope[]>> = { startTask: ['executionRead'] };

/** `admin` may do everything; `startTask` includes `executionRead`. */
export function grants(scopes: readonly ApiScope[], needed: ApiScope): boolean {
  return scopes.includes('admin') || scopes.includes(needed) || scopes.some((scope) => IMPLIED[scope]?.includes(needed) ?? false);
}

/**
 * The requirement of a route. `routeUrl` is undefined when no route matched: such a 404 is
 * only answered to a valid key, so the API surface cannot be probed without one. A route
 * missing from the tables above needs `admin`, so a new route is never open by accident.
 */
export function requirementFor(method: string, routeUrl: string | undefined, open: readonly OpenEndpoint[]): Requirement {
  if (routeUrl === undefined) return { kind: 'anyKey' };
  const routed = method === 'HEAD' ? 'GET' : method;
  if (selfAuthenticated(routed, routeUrl)) return { kind: 'open' };
  const openable = (Object.keys(OPENABLE) as OpenEndpoint[]).find((name) => OPENABLE[name](routed, routeUrl));
  if (openable && open.includes(openable)) return { kind: 'open' };
  // A scoped route that may be opened (metrics) needs its scope while it is not open.
  const scoped = SCOPED_ROUTES.find((route) => route.url === routeUrl && route.methods.includes(routed));
  if (scoped) return { kind: 'scope', scope: scoped.scope };
  if (openable) return { kind: 'anyKey' };
  return { kind: 'scope', scope: 'admin' };
}

/** True for routes the tables name explicitly (a test checks every registered route is). */
export function isListedRoute(method: string, routeUrl: string): boolean {
  const routed = method === 'HEAD' ? 'GET' : method;
  return (
    SCOPED_ROUTES.some((route) => route.url === routeUrl && route.methods.includes(routed)) ||
    selfAuthenticated(routed, routeUrl) ||
    Object.values(OPENABLE).some((matches) => matches(routed, routeUrl))
  );
}
