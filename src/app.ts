import Fastify, { LogController, type FastifyInstance } from 'fastify';
import type { ServerOptions as HttpsServerOptions } from 'node:https';
import type { Logger } from 'winston';
import type { Settings } from './config/settings.js';
import type { QrsClient } from './qrs/types.js';
import type { QlikCloudClient } from './qlikcloud/types.js';
import { createCachedReadiness } from './cached-readiness.js';
import type { KvStore } from './kvstore/types.js';
import { createIdempotencyGuard, createMemoryIdempotencyStore, type IdempotencyStore } from './idempotency/index.js';
import { createServiceMetrics, type ServiceMetrics } from './metrics/index.js';
import { createCallbackSender } from './callbacks/index.js';
import {
  createBackendPollers,
  createCloudReloadPoller,
  createExecutionPoller,
  readSnapshotsFrom,
  type ExecutionPoller,
  type FollowDeps,
} from './waiting/index.js';
import { createLocalReloadFinishedHub, type ReloadFinishedHub } from './reloadevents/index.js';
import { createQrsReadiness } from './qrs/index.js';
import { createMemoryHitCounter, type HitCounter } from './ratelimit/index.js';
import { refuseUnknownHostsFromBrowsers } from './http/allowed-hosts.js';
import { auditWrites } from './http/audit.js';
import { authorizeCallers, identifyCallers } from './http/auth/index.js';
import { acceptJsonBodies } from './http/body-parser.js';
import { closeConnectionsWhenClosing } from './http/close-connections.js';
import { refuseCrossSiteChanges } from './http/cross-site.js';
import { installErrorHandlers } from './http/error-handler.js';
import { limitInputLengths, ROUTER_PARAM_LENGTH } from './http/input-limits.js';
import { fastifyLoggerFrom } from './http/logger-adapter.js';
import { refuseBadMethodOverride, rewriteOverriddenMethod } from './http/method-override.js';
import { countRequests, metricsRoute } from './http/metrics.js';
import { limitRequestRate } from './http/rate-limit.js';
import { logEachRequest } from './http/request-log.js';
import { addSecurityHeaders } from './http/security-headers.js';
import { answerClientErrors, capConnections, slowClientOptions } from './http/slow-clients.js';
import { registerOpenApi } from './http/swagger.js';
import { systemRoutes } from './http/routes/system.js';
import { keyValueRoutes } from './http/routes/keyvalues.js';
import { executionRoutes } from './http/routes/executions.js';
import { startTaskRoutes } from './http/routes/start-task.js';
import { qlikCloudWebhookRoutes } from './http/routes/qlik-cloud-webhook.js';
import { cloudSnapshotOf, createExecutionReader, type ExecutionReader } from './executions/index.js';
import {
  CLOCK_ALLOWANCE_MS,
  createQlikCloudBackend,
  createQrsBackend,
  createStartLedger,
  type StartBackends,
} from './starttask/index.js';

export interface AppDeps {
  settings: Settings;
  logger: Logger;
  /** null when Butler.configQRS.enable is false: nothing is asked of QRS. */
  qrs: QrsClient | null;
  /** The tenant's client when Butler.qlikCloud.enable is true; null or absent otherwise. */
  qlikCloud?: QlikCloudClient | null;
  /** null when Butler.keyValueStore.enable is false. */
  kv: KvStore | null;
  version: string;
  /** Certificate material for serving HTTPS (read by the caller; buildApp reads no files). */
  https?: HttpsServerOptions;
  /** Where rate-limit hits are counted (Redis to share limits between instances); in memory if absent. */
  rateLimitCounter?: HitCounter;
  /** Where Idempotency-Keys live (the key-value backend); in this process's memory if absent. */
  idempotencyStore?: IdempotencyStore;
  /**
   * Prometheus metrics served at /metrics; give the same object to the QRS client and the
   * key-value store so their series are in it. A fresh registry of HTTP metrics if absent.
   */
  metrics?: ServiceMetrics;
  /**
   * Where Qlik Cloud's reload-finished events meet the waits on them (Redis, to share them
   * between instances); this app's own if absent.
   */
  reloadEvents?: ReloadFinishedHub;
}

/**
 * One poller per backend for every waiting request, fed by reload-finished events too, and
 * the callback sender. They stop before the server waits for in-flight requests, so waiting
 * requests answer at once (outcome "stopped") and pending callbacks are dropped, each logged
 * as lost.
 */
function followDeps(app: FastifyInstance, deps: AppDeps, executions: ExecutionReader, events: ReloadFinishedHub): FollowDeps {
  const { logger, qrs, qlikCloud } = deps;
  const cloudSettings = deps.settings.qlikCloud;
  const pollers: { 'qlik-sense'?: ExecutionPoller; 'qlik-cloud'?: ExecutionPoller } = {};
  if (qrs) pollers['qlik-sense'] = createExecutionPoller({ read: readSnapshotsFrom(qrs), logger });
  if (qlikCloud && cloudSettings.enable) {
    pollers['qlik-cloud'] = createCloudReloadPoller(qlikCloud, { requestsPerMinute: cloudSettings.maxRequestsPerMinute, logger });
  }
  const poller = createBackendPollers(pollers);
  const unsubscribe = events.subscribe((reload) => poller.observe({ backend: 'qlik-cloud', id: reload.id }, cloudSnapshotOf(reload, null)));
  const callbacks = createCallbackSender({
    settings: deps.settings.startTask.callback,
    logger: deps.logger,
    userAgent: `sense-task-gateway/${deps.version}`,
  });
  app.addHook('preClose', async () => {
    unsubscribe();
    callbacks.stop();
    poller.stop();
  });
  return { poller, callbacks, scriptLogTail: executions.scriptLogTail };
}

/**
 * The backends the start path uses, each only when on, sharing one ledger of the app's starts
 * and the runs they were given (so no lost answer is credited with another request's run).
 */
function startBackends(deps: AppDeps): StartBackends {
  const confirm = { ledger: createStartLedger({ allowanceMs: CLOCK_ALLOWANCE_MS }), now: Date.now };
  const cloud = deps.settings.qlikCloud;
  return {
    qrs: deps.qrs ? createQrsBackend(deps.qrs, confirm) : null,
    qlikCloud: deps.qlikCloud ? createQlikCloudBackend(deps.qlikCloud, confirm) : null,
    taskMap: cloud.enable ? cloud.taskMap : new Map(),
  };
}

function cloudReadiness(client: QlikCloudClient, cacheMs: number) {
  return createCachedReadiness(async () => {
    await client.probe();
    return 'Qlik Cloud answered';
  }, { cacheMs });
}

/**
 * The whole HTTP application, never listening: main.ts listens, tests use inject() or
 * listen on port 0. Routes exist only when their Butler endpoint flag is on.
 */
export async function buildApp(deps: AppDeps): Promise<FastifyInstance> {
  const { settings } = deps;
  const { startTask, keyValueStore: kvSettings } = settings;
  const metrics = deps.metrics ?? createServiceMetrics();
  const app = Fastify({
    loggerInstance: fastifyLoggerFrom(deps.logger),
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: settings.server.bodyLimitBytes,
    rewriteUrl: rewriteOverriddenMethod,
    // request.ip (logs, audit, rate-limit buckets) comes from X-Forwarded-For only when the
    // peer is a listed proxy; Fastify then takes the right-most address that is not one.
    trustProxy: settings.server.trustProxy.length > 0 ? [...settings.server.trustProxy] : false,
    routerOptions: { maxParamLength: ROUTER_PARAM_LENGTH },
    clientErrorHandler: answerClientErrors(settings.server),
    ...slowClientOptions(settings.server, deps.https),
  }) as unknown as FastifyInstance;
  capConnections(app, settings.server);

  installErrorHandlers(app, { bodyLimitBytes: settings.server.bodyLimitBytes });
  acceptJsonBodies(app, settings.server.bodyLimitBytes);
  addSecurityHeaders(app, { https: deps.https !== undefined });

  // onRequest order matters: who calls → count the attempt → may they → is the input sane.
  identifyCallers(app, settings.server.auth);
  await limitRequestRate(app, settings.server.rateLimit, deps.rateLimitCounter ?? createMemoryHitCounter());
  authorizeCallers(app, settings.server.auth);
  limitInputLengths(app, { startTask, keyValueStore: kvSettings });
  refuseBadMethodOverride(app);
  refuseUnknownHostsFromBrowsers(app, settings.server);
  refuseCrossSiteChanges(app, settings.server.allowedOrigins);

  closeConnectionsWhenClosing(app);
  logEachRequest(app);
  countRequests(app, metrics);
  auditWrites(app);
  await registerOpenApi(app, deps.version, { auth: settings.server.auth.enable });

  await app.register(systemRoutes, {
    endpoints: settings.endpoints,
    version: deps.version,
    readiness: {
      qrs: deps.qrs ? createQrsReadiness(deps.qrs, { cacheMs: settings.qrs.readinessCacheMs }) : null,
      qlikCloud: deps.qlikCloud ? cloudReadiness(deps.qlikCloud, settings.qrs.readinessCacheMs) : null,
    },
  });
  // Requests are counted even when /metrics is off: the QRS client and the key-value store
  // record into the same registry regardless, and one counter increment per request is cheap.
  if (settings.endpoints.metrics) await app.register(metricsRoute, { metrics });
  if (settings.endpoints.keyValueStore) {
    await app.register(keyValueRoutes, { store: deps.kv, settings: kvSettings });
  }
  if (settings.endpoints.senseStartTask) {
    const idempotencyStore = deps.idempotencyStore ?? createMemoryIdempotencyStore();
    // A store made here is the app's to close; one passed in belongs to whoever made it.
    if (!deps.idempotencyStore) app.addHook('onClose', () => idempotencyStore.close());
    const idempotency = createIdempotencyGuard({
      store: idempotencyStore,
      windowMs: startTask.idempotencyWindowSeconds * 1000,
      logger: deps.logger,
    });
    const executions = createExecutionReader({ qrs: deps.qrs, cloud: deps.qlikCloud ?? null }, { lines: startTask.scriptLogTailLines });
    const events = deps.reloadEvents ?? createLocalReloadFinishedHub();
    await app.register(startTaskRoutes, {
      backends: startBackends(deps),
      kv: deps.kv,
      settings: startTask,
      pairLimits: kvSettings,
      idempotency,
      metrics,
      follow: followDeps(app, deps, executions, events),
    });
    await app.register(executionRoutes, { executions });
    const { qlikCloud } = settings;
    if (qlikCloud.enable && qlikCloud.webhook.enable) {
      await app.register(qlikCloudWebhookRoutes, { secret: qlikCloud.webhook.secret, events });
    }
  }
  return app;
}
