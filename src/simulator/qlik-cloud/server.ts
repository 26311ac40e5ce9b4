import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { closerOf, createDelays, formatUrl, listen, readBody } from '../http-server.js';
import { createTokenAuthority, type Credentials } from './auth.js';
import { createCatalog } from './catalog.js';
import { DEMO_CLOUD_FIXTURE_PATH, loadCloudFixture, type SimCloudApp } from './fixture.js';
import { createCloudHooks, type QlikCloudSimulatorHooks } from './hooks.js';
import { CloudRequestError, errorResponse, notFound, rateLimited, simulatedFailure, type CloudResponse } from './http.js';
import { createReadLimiter } from './read-limit.js';
import { createReloadStore, type FinalReloadStatus, type SimReload } from './reloads.js';
import { findRoute, route, type RouteMatch } from './router.js';
import { itemRoutes } from './routes-items.js';
import { reloadRoutes } from './routes-reloads.js';
import { scriptLogRoutes } from './routes-script-log.js';
import { createCloudStatsRecorder, UNMATCHED_ENDPOINT, type QlikCloudSimulatorStats } from './stats.js';
import { createWebhookSender } from './webhook.js';

const MAX_BODY_BYTES = 1024 * 1024;
/** An OAuth access token lives 6 hours [DOC]. */
const DEFAULT_TOKEN_LIFETIME_MS = 6 * 60 * 60 * 1000;

/** Credentials the simulator accepts unless told others (for tests and `npm run demo`; never real ones). */
export const SIM_API_KEY = 'sim-api-key';
export const SIM_CLIENT_ID = 'sim-client-id';
export const SIM_CLIENT_SECRET = 'sim-client-secret';

export interface QlikCloudSimulatorOptions {
  /** Defaults to the demo fixture. */
  apps?: SimCloudApp[];
  host?: string;
  port?: number;
  apiKey?: string;
  clientId?: string;
  clientSecret?: string;
  /** Lifetime of OAuth access tokens (6 hours by default); `hooks.tokenLifetimeMs` changes it later. */
  tokenLifetimeMs?: number;
  /** Run time of reloads of apps without their own `reloadMs` (default 0: they end at once). */
  reloadMs?: number;
  webhookUrl?: string;
  webhookSecret?: string;
}

/** What tests may do with the simulator's reloads besides calling its API. */
export interface CloudReloadControl {
  get(id: string): SimReload | undefined;
  /** Every reload created, oldest first. */
  all(): readonly SimReload[];
  /** Ends a reload that still runs now, with `status` or the one it was going to end with; false if it had ended. */
  finish(id: string, status?: FinalReloadStatus): boolean;
}

export interface RunningQlikCloudSimulator {
  port: number;
  /** `http://<host>:<port>`, no trailing slash: the tenant URL. */
  url: string;
  credentials: Readonly<Credentials>;
  stats: QlikCloudSimulatorStats;
  hooks: QlikCloudSimulatorHooks;
  apps: readonly SimCloudApp[];
  reloads: CloudReloadControl;
  /** Every OAuth token granted so far is expired from now on. */
  expireTokens(): void;
  close(): Promise<void>;
}

function splitUrl(target: string): { path: string; query: string } {
  const q = target.indexOf('?');
  return q === -1 ? { path: target, query: '' } : { path: target.slice(0, q), query: target.slice(q + 1) };
}

/**
 * Starts a plain-HTTP server that behaves like a Qlik Cloud tenant for starting and following
 * reloads: bearer auth (API key or OAuth client credentials), items and collections, reloads
 * with a timed lifecycle, script logs, reload-finished webhooks, and faults set through hooks.
 */
export async function startQlikCloudSimulator(opts: QlikCloudSimulatorOptions = {}): Promise<RunningQlikCloudSimulator> {
  const host = opts.host ?? '127.0.0.1';
  const now = (): number => Date.now();
  const apps = opts.apps ?? loadCloudFixture(DEMO_CLOUD_FIXTURE_PATH);
  const catalog = createCatalog(apps);
  const hooks = createCloudHooks({
    reloadMs: opts.reloadMs ?? 0,
    tokenLifetimeMs: opts.tokenLifetimeMs ?? DEFAULT_TOKEN_LIFETIME_MS,
    webhookUrl: opts.webhookUrl ?? null,
    webhookSecret: opts.webhookSecret ?? null,
  });
  const recorder = createCloudStatsRecorder();
  const credentials: Credentials = {
    apiKey: opts.apiKey ?? SIM_API_KEY,
    clientId: opts.clientId ?? SIM_CLIENT_ID,
    clientSecret: opts.clientSecret ?? SIM_CLIENT_SECRET,
  };
  const authority = createTokenAuthority(credentials, now, recorder.recordTokenGrant);
  const webhooks = createWebhookSender(hooks, now, recorder.recordWebhookDelivery);
  const reloads = createReloadStore({ now, onFinished: (reload) => webhooks.send(reload) });
  const readLimiter = createReadLimiter();
  const delays = createDelays();
  // Counts creations for the lost-answer faults (stats.reset() must not hide one).
  let reloadsCreated = 0;
  // The one route that takes no bearer token.
  const tokenRoute = route('POST', '/oauth/token', (req) => authority.grant(req.body, hooks.tokenLifetimeMs));
  const routes = [
    tokenRoute,
    ...itemRoutes(catalog),
    ...reloadRoutes({
      catalog,
      reloads,
      hooks,
      recordReloadCreated(record) {
        reloadsCreated += 1;
        recorder.recordReloadCreated(record);
      },
    }),
    ...scriptLogRoutes(reloads, hooks),
  ];
  let url = '';

  /** Auth, then the read limit and read faults, then the route. */
  function answer(req: IncomingMessage, method: string, path: string, rawQuery: string, body: Buffer, match: RouteMatch | null): CloudResponse {
    const auth = match?.route === tokenRoute ? null : authority.check(req.headers);
    if (auth !== null && !auth.ok) return auth.response;
    if (method === 'GET') {
      const admission = readLimiter.admit(now(), hooks.readsPerMinute);
      if (!admission.admitted) return rateLimited(admission.retryAfterSeconds);
      if (hooks.failReadsWith !== null) return simulatedFailure(hooks.failReadsWith);
    }
    if (match === null) return notFound(`no route for ${method} ${path}`);
    const request = {
      method,
      path,
      query: new URLSearchParams(rawQuery),
      body,
      baseUrl: hooks.linkBaseUrl ?? (req.headers.host === undefined ? url : `http://${req.headers.host}`),
      caller: auth?.caller ?? { userId: '', isAdmin: false },
    };
    try {
      return match.route.handler(request, match.params);
    } catch (err) {
      if (err instanceof CloudRequestError) return err.response;
      throw err;
    }
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const arrivedAt = performance.now();
    const at = now();
    const method = (req.method ?? 'GET').toUpperCase();
    const { path, query } = splitUrl(req.url ?? '/');
    const match = findRoute(routes, method, path);
    const endpoint = match?.route.endpoint ?? UNMATCHED_ENDPOINT;
    // 'close' follows the end of the answer, or the connection's loss before it.
    res.once('close', recorder.requestArrived(endpoint));
    const body = await readBody(req, MAX_BODY_BYTES);
    const createdBefore = reloadsCreated;
    const response =
      body === null ? errorResponse(413, 'HTTP-413', 'Payload Too Large', `the body exceeds ${MAX_BODY_BYTES} bytes`) : answer(req, method, path, query, body, match);
    const created = reloadsCreated > createdBefore;
    const record = (status: number): void => recorder.recordRequest({ method, endpoint, path, query, status, at });
    if (created && hooks.dropAfterStart) {
      // The reload runs, but the client never learns it: the connection breaks before the answer.
      record(0);
      req.socket.destroy();
      return;
    }
    record(response.status);
    // Latency is a round trip as the client sees it: the simulator's own work is part of it.
    await delays.wait(hooks.latencyMs + (created ? hooks.startAnswerDelayMs : 0) - (performance.now() - arrivedAt));
    if (res.destroyed) return;
    res.writeHead(response.status, response.headers ?? {});
    res.end(response.body);
  }

  const server = createServer((req, res) => {
    handle(req, res).catch(() => {
      if (!res.headersSent && !res.destroyed) {
        res.writeHead(500, { 'content-type': 'text/plain; charset=utf-8' });
        res.end('Internal Server Error');
      }
    });
  });
  const closeServer = closerOf(server);
  const port = await listen(server, host, opts.port ?? 0);
  url = formatUrl('http', host, port);

  let closing: Promise<void> | undefined;
  function close(): Promise<void> {
    reloads.close();
    webhooks.close();
    delays.cancelAll();
    return closeServer();
  }

  return {
    port,
    url,
    credentials,
    stats: recorder.stats,
    hooks,
    apps,
    reloads: { get: (id) => reloads.get(id), all: () => reloads.all(), finish: (id, status) => reloads.finish(id, status) },
    expireTokens: () => authority.expireAll(),
    // Idempotent, so a test may close early and still close again in t.after.
    close: () => (closing ??= close()),
  };
}
