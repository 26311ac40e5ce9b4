import Fastify, { type FastifyInstance } from 'fastify';
import type { ServerOptions as HttpsServerOptions } from 'node:https';
import type { Logger } from 'winston';
import type { Settings } from './config/settings.js';
import type { QrsClient } from './qrs/types.js';
import type { KvStore } from './kvstore/types.js';
import { createQrsReadiness } from './qrs/index.js';
import { acceptEmptyJsonBodies } from './http/body-parser.js';
import { installErrorHandlers } from './http/error-handler.js';
import { fastifyLoggerFrom } from './http/logger-adapter.js';
import { refuseBadMethodOverride, rewriteOverriddenMethod } from './http/method-override.js';
import { logEachRequest } from './http/request-log.js';
import { registerOpenApi } from './http/swagger.js';
import { systemRoutes } from './http/routes/system.js';
import { keyValueRoutes } from './http/routes/keyvalues.js';
import { startTaskRoutes } from './http/routes/start-task.js';

export interface AppDeps {
  settings: Settings;
  logger: Logger;
  qrs: QrsClient;
  /** null when Butler.keyValueStore.enable is false. */
  kv: KvStore | null;
  version: string;
  /** Certificate material for serving HTTPS (read by the caller; buildApp reads no files). */
  https?: HttpsServerOptions;
}

/**
 * The whole HTTP application, never listening: main.ts listens, tests use inject() or
 * listen on port 0. Routes exist only when their Butler endpoint flag is on.
 */
export async function buildApp(deps: AppDeps): Promise<FastifyInstance> {
  const { settings } = deps;
  const app = Fastify({
    loggerInstance: fastifyLoggerFrom(deps.logger),
    disableRequestLogging: true,
    bodyLimit: settings.server.bodyLimitBytes,
    rewriteUrl: rewriteOverriddenMethod,
    ...(deps.https ? { https: deps.https } : {}),
  }) as unknown as FastifyInstance;

  installErrorHandlers(app);
  acceptEmptyJsonBodies(app);
  refuseBadMethodOverride(app);
  logEachRequest(app);
  await registerOpenApi(app, deps.version);

  await app.register(systemRoutes, {
    endpoints: settings.endpoints,
    version: deps.version,
    readiness: createQrsReadiness(deps.qrs, { cacheMs: settings.qrs.readinessCacheMs }),
  });
  if (settings.endpoints.keyValueStore) {
    await app.register(keyValueRoutes, { store: deps.kv, settings: settings.keyValueStore });
  }
  if (settings.endpoints.senseStartTask) {
    await app.register(startTaskRoutes, { qrs: deps.qrs, kv: deps.kv, settings: settings.startTask });
  }
  return app;
}
