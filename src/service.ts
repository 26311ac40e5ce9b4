import { readFileSync } from 'node:fs';
import type { ServerOptions as HttpsServerOptions } from 'node:https';
import type { FastifyInstance } from 'fastify';
import type { Logger } from 'winston';
import { buildApp } from './app.js';
import { securityWarnings } from './config/security-warnings.js';
import type { ServerSettings, Settings } from './config/settings.js';
import { ConfigError } from './errors.js';
import { createKvStore } from './kvstore/index.js';
import { createServiceMetrics } from './metrics/index.js';
import type { KvStore } from './kvstore/types.js';
import { openIdempotencyStore, type IdempotencyStore } from './idempotency/index.js';
import { createQrsClient } from './qrs/index.js';
import { createQlikCloudClient } from './qlikcloud/index.js';
import { listenFailure, reportQlikCloud, reportQrs } from './startup-checks.js';
import { createRedisHitCounter, type HitCounter } from './ratelimit/index.js';
import { createRedisReloadFinishedHub, type ReloadFinishedHub } from './reloadevents/index.js';

export interface RunningService {
  app: FastifyInstance;
  /** Base URL the REST API listens on. */
  url: string;
  /**
   * Settles once the start-up questions to the backends that are on (QRS `/qrs/about`, a Qlik
   * Cloud probe) have been answered and logged.
   */
  qrsReport: Promise<void>;
  /** Stops accepting, lets in-flight requests finish, then closes the store and the backend clients. */
  close(): Promise<void>;
}

function readTlsFile(keyPath: string, path: string | null): Buffer {
  if (!path) throw new ConfigError(keyPath, `${keyPath} must be set when Butler.restServerConfig.tls.enable is true`);
  try {
    return readFileSync(path);
  } catch (err) {
    throw new ConfigError(keyPath, `${keyPath}: cannot read "${path}": ${(err as Error).message}`, { cause: err });
  }
}

/**
 * HTTPS options from Butler.restServerConfig.tls, or undefined for plain HTTP. With a client
 * CA, every caller must present a certificate it signed (mutual TLS). That CA is then the only
 * one trusted for callers; the `ca` bundle (intermediates of the server certificate) is sent
 * with the certificate instead, so a certificate from the server's public CA cannot log in.
 */
export function httpsOptions(tls: ServerSettings['tls']): HttpsServerOptions | undefined {
  if (!tls.enable) return undefined;
  const cert = readTlsFile('Butler.restServerConfig.tls.cert', tls.cert);
  const key = readTlsFile('Butler.restServerConfig.tls.key', tls.key);
  const ca = tls.ca ? readTlsFile('Butler.restServerConfig.tls.ca', tls.ca) : undefined;
  if (!tls.clientCa) return { cert, key, ...(ca ? { ca } : {}) };
  return {
    cert: ca ? Buffer.concat([cert, Buffer.from('\n'), ca]) : cert,
    key,
    ca: readTlsFile('Butler.restServerConfig.tls.clientCa', tls.clientCa),
    requestCert: true,
    rejectUnauthorized: true,
  };
}

/** Rate limits live in Redis when the key-value store does, so they hold across instances. */
async function rateLimitCounter(settings: Settings, logger: Logger): Promise<HitCounter | undefined> {
  const { keyValueStore: kv, server } = settings;
  if (server.rateLimit.maxPerMinute === 0 || !kv.enable || kv.backend !== 'redis') return undefined;
  return createRedisHitCounter({ url: kv.redis.url, keyPrefix: kv.redis.keyPrefix, logger });
}

/**
 * Qlik Cloud's reload-finished events are shared through Redis when the key-value store is
 * there, so an event that reaches one instance ends the waits on it in all of them.
 */
async function reloadEvents(settings: Settings, logger: Logger): Promise<ReloadFinishedHub | undefined> {
  const { keyValueStore: kv } = settings;
  if (!settings.qlikCloud.enable || !settings.endpoints.senseStartTask || !kv.enable || kv.backend !== 'redis') return undefined;
  return createRedisReloadFinishedHub({ url: kv.redis.url, keyPrefix: kv.redis.keyPrefix, logger });
}

/** Composition root: builds every dependency once, hands them to buildApp, listens. */
export async function startService(settings: Settings, logger: Logger, version: string): Promise<RunningService> {
  for (const warning of securityWarnings(settings)) logger.warn(warning);
  const metrics = createServiceMetrics();
  // A backend that is off costs nothing: no client, no certificate read, no start-up question.
  const qrs = settings.qrs.enable ? createQrsClient(settings.qrs, { logger, metrics }) : null;
  const cloud = settings.qlikCloud.enable ? { client: createQlikCloudClient(settings.qlikCloud, { logger, metrics }), settings: settings.qlikCloud } : null;
  const qlikCloud = cloud?.client ?? null;
  const closeBackends = async (): Promise<void> => {
    await qrs?.close();
    await qlikCloud?.close();
  };
  let kv: KvStore | null = null;
  let counter: HitCounter | undefined;
  let idempotencyStore: IdempotencyStore | undefined;
  let events: ReloadFinishedHub | undefined;
  let app: FastifyInstance | undefined;
  try {
    kv = settings.keyValueStore.enable ? await createKvStore(settings.keyValueStore, { logger, metrics }) : null;
    counter = await rateLimitCounter(settings, logger);
    idempotencyStore = settings.endpoints.senseStartTask ? await openIdempotencyStore(settings.keyValueStore) : undefined;
    events = await reloadEvents(settings, logger);
    const https = httpsOptions(settings.server.tls);
    app = await buildApp({
      settings,
      logger,
      qrs,
      qlikCloud,
      kv,
      version,
      metrics,
      ...(https ? { https } : {}),
      ...(counter ? { rateLimitCounter: counter } : {}),
      ...(idempotencyStore ? { idempotencyStore } : {}),
      ...(events ? { reloadEvents: events } : {}),
    });
    await app.listen({ host: settings.server.host, port: settings.server.port }).catch((error: unknown) => {
      throw listenFailure(error, settings.server);
    });
    let stopping = false;
    const qrsReport = Promise.all([
      qrs && reportQrs(qrs, settings.qrs, logger, () => stopping),
      cloud && reportQlikCloud(cloud.client, cloud.settings, logger, () => stopping),
    ]).then(() => undefined);
    const { tls, host } = settings.server;
    const address = app.server.address();
    const port = typeof address === 'object' && address ? address.port : settings.server.port;
    const url = `${tls.enable ? 'https' : 'http'}://${host.includes(':') ? `[${host}]` : host}:${port}`;
    const store = kv;
    const hits = counter;
    const keys = idempotencyStore;
    const hub = events;
    const server = app;
    return {
      app: server,
      url,
      qrsReport,
      async close() {
        stopping = true;
        await server.close();
        await hits?.close();
        await keys?.close();
        await hub?.close();
        await store?.close();
        await closeBackends();
      },
    };
  } catch (err) {
    await app?.close();
    await counter?.close();
    await idempotencyStore?.close();
    await events?.close();
    await kv?.close();
    await closeBackends();
    throw err;
  }
}
