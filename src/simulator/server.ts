import type { IncomingMessage, ServerResponse } from 'node:http';
import { createServer, type Server } from 'node:https';
import type { Socket } from 'node:net';
import type { TLSSocket } from 'node:tls';
import type { CertBundle } from './certs.js';
import { DEMO_FIXTURE_PATH, loadFixture, type SimTask } from './fixture.js';
import { FilterSyntaxError } from './filter/index.js';
import { createExecutionLog } from './executions.js';
import { createHooks, type SimulatorHooks } from './hooks.js';
import { closerOf, createDelays, formatUrl, listen, readBody } from './http-server.js';
import { NO_ANSWER, NOT_FOUND, textResponse, type SimRequest, type SimResponse } from './http-types.js';
import { createQrsJson } from './qrs-json.js';
import { parseQueryString } from './query-string.js';
import { checkRequest } from './request-guard.js';
import { findRoute, type Route } from './router.js';
import { executionRoutes } from './routes-executions.js';
import { readRoutes } from './routes-read.js';
import { startRoutes } from './routes-start.js';
import { createStatsRecorder, type SimulatorStats } from './stats.js';
import { createTaskStore } from './task-store.js';

const MAX_BODY_BYTES = 1024 * 1024;

export interface SimulatorOptions {
  certs: CertBundle;
  /** Defaults to the demo fixture. */
  tasks?: SimTask[];
  host?: string;
  port?: number;
  /** The simulator's clock in epoch ms (Date.now by default): a test can set the time reloads see. */
  now?: () => number;
}

export interface RunningSimulator {
  port: number;
  /** `https://<host>:<port>`, no trailing slash. */
  url: string;
  stats: SimulatorStats;
  hooks: SimulatorHooks;
  close(): Promise<void>;
}

/**
 * Splits the request target. Clients drop a `#` and all after it before sending (browsers,
 * axios via URL); raw node:http sends it, so it is cut here to give QRS's observed result.
 */
function splitUrl(target: string): { path: string; query: string } {
  const hash = target.indexOf('#');
  const url = hash === -1 ? target : target.slice(0, hash);
  const q = url.indexOf('?');
  return q === -1 ? { path: url, query: '' } : { path: url.slice(0, q), query: url.slice(q + 1) };
}

function normalisePath(path: string): string {
  const lower = path.toLowerCase();
  return lower.length > 1 && lower.endsWith('/') ? lower.slice(0, -1) : lower;
}

function dispatch(routes: readonly Route[], req: SimRequest): SimResponse {
  const found = findRoute(routes, req.method, req.path);
  if (found === null) return NOT_FOUND;
  try {
    return found.route.handler(req, found.params);
  } catch (err) {
    if (err instanceof FilterSyntaxError) return textResponse(err.statusCode, err.message);
    throw err;
  }
}

/**
 * Starts an HTTPS server that behaves like QRS on port 4242: mutual TLS against the bundle's
 * CA only, xrfkey and X-Qlik-User checks, task look-ups with filters, and task starts.
 */
export async function startSimulator(opts: SimulatorOptions): Promise<RunningSimulator> {
  const host = opts.host ?? '127.0.0.1';
  const store = createTaskStore(opts.tasks ?? loadFixture(DEMO_FIXTURE_PATH));
  const executions = createExecutionLog();
  const hooks = createHooks();
  const now = (): number => (opts.now ?? Date.now)() + hooks.clockOffsetMs;
  const json = createQrsJson(store, executions, now);
  const recorder = createStatsRecorder();
  const routes = [
    ...readRoutes(store, json),
    ...executionRoutes({ executions, hooks, now }),
    ...startRoutes({ store, executions, hooks, now, recordStart: recorder.recordStart }),
  ];
  const delays = createDelays();

  function answer(req: IncomingMessage, method: string, rawPath: string, rawQuery: string, body: Buffer): SimResponse {
    if (hooks.failAllWith !== null) return textResponse(hooks.failAllWith, 'Simulated failure');
    const { params, problem } = parseQueryString(rawQuery);
    const refused = checkRequest(req.headers, params);
    if (refused !== null) return refused;
    if (problem === 'missing-value') return textResponse(400, 'Missing parameter value(s)');
    if (problem === 'malformed') return textResponse(400, 'Bad Request: malformed query string');
    return dispatch(routes, { method, path: normalisePath(rawPath), query: params, body });
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const arrivedAt = performance.now();
    const method = (req.method ?? 'GET').toUpperCase();
    const { path, query } = splitUrl(req.url ?? '/');
    // 'close' follows the end of the answer, or the connection's loss before it.
    res.once('close', recorder.requestArrived(method, path));
    if (hooks.dropConnections) {
      recorder.recordRequest({ method, path, query, status: 0 });
      req.socket.destroy();
      return;
    }
    const body = await readBody(req, MAX_BODY_BYTES);
    const startsBefore = recorder.stats.starts.length;
    const response =
      body === null ? textResponse(413, 'Payload Too Large') : answer(req, method, path, query, body);
    if (response === NO_ANSWER) {
      // Left open: the client's timeout ends it, or close() does.
      recorder.recordRequest({ method, path, query, status: 0 });
      return;
    }
    const started = recorder.stats.starts.length > startsBefore;
    if (started && hooks.dropAfterStart) {
      // The task runs, but the client never learns it: the connection breaks before the answer.
      recorder.recordRequest({ method, path, query, status: 0 });
      req.socket.destroy();
      return;
    }
    recorder.recordRequest({ method, path, query, status: response.status });
    // The latency is a round trip as the client sees it, so the simulator's own work on the
    // request is part of it rather than added on top.
    await delays.wait(hooks.latencyMs + (started ? hooks.startAnswerDelayMs : 0) - (performance.now() - arrivedAt));
    if (res.destroyed) return;
    const headers: Record<string, string> = {};
    if (response.contentType !== undefined) headers['content-type'] = response.contentType;
    res.writeHead(response.status, headers);
    res.end(response.body);
  }

  const server: Server = createServer(
    {
      key: opts.certs.serverKey,
      cert: opts.certs.serverCert,
      ca: [opts.certs.caCert],
      requestCert: true,
      rejectUnauthorized: true,
    },
    (req, res) => {
      handle(req, res).catch(() => {
        if (!res.headersSent && !res.destroyed) {
          res.writeHead(500, { 'content-type': 'text/plain; charset=utf-8' });
          res.end('Internal Server Error');
        }
      });
    },
  );

  const closeServer = closerOf(server);
  server.on('connection', (socket: Socket) => socket.once('close', recorder.connectionOpened()));
  server.on('secureConnection', (socket: TLSSocket) => recorder.tlsHandshakeDone(socket.isSessionReused()));

  const port = await listen(server, host, opts.port ?? 0);

  let closing: Promise<void> | undefined;
  function close(): Promise<void> {
    delays.cancelAll();
    return closeServer();
  }

  return {
    port,
    url: formatUrl('https', host, port),
    stats: recorder.stats,
    hooks,
    // Idempotent, so a test may close early and still close again in t.after.
    close: () => (closing ??= close()),
  };
}
