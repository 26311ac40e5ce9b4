import type { ServerOptions as HttpsServerOptions } from 'node:https';
import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import winston, { type Logger } from 'winston';
import { buildApp } from '../../src/app.js';
import type { Settings } from '../../src/config/settings.js';
import type { KvStore } from '../../src/kvstore/types.js';
import type { QrsClient } from '../../src/qrs/types.js';
import type { HitCounter } from '../../src/ratelimit/index.js';

export type DeepPartial<T> = { -readonly [K in keyof T]?: T[K] extends readonly unknown[] ? T[K] : T[K] extends object ? DeepPartial<T[K]> : T[K] };

const BASE: Settings = {
  configFile: 'test-config.yaml',
  logging: { level: 'info', fileLogging: false, directory: 'log', format: 'text' },
  server: {
    enable: true,
    host: '127.0.0.1',
    port: 0,
    backgroundServerPort: 8081,
    tls: { enable: false, cert: null, key: null, ca: null, clientCa: null },
    bodyLimitBytes: 1048576,
    shutdownTimeoutMs: 10000,
    auth: { enable: false, apiKeys: [], openEndpoints: ['health', 'ready', 'butlerping', 'documentation'] },
    // Off: tests send many requests from one address; rate-limit tests turn it on.
    rateLimit: { maxPerMinute: 0 },
  },
  endpoints: { senseStartTask: true, keyValueStore: true, butlerping: true, apiListEnabledEndpoints: true },
  startTask: {
    filter: { enable: false, taskIds: [], tags: [], customProperties: [] },
    maxItems: 1000,
    maxFieldLength: 1024,
    startConcurrency: 8,
  },
  keyValueStore: {
    enable: true,
    backend: 'memory',
    maxKeysPerNamespace: 1000,
    maxNamespaces: 10000,
    maxKeyLength: 1024,
    maxValueLength: 1048576,
    maxNamespaceLength: 1024,
    sweepIntervalMs: 60000,
    sqlite: { path: 'data/test.sqlite' },
    redis: { url: 'redis://127.0.0.1:6379', keyPrefix: 'sense-task-gateway-test' },
  },
  qrs: {
    host: '127.0.0.1',
    port: 4242,
    useSSL: true,
    rejectUnauthorized: false,
    headers: [{ name: 'X-Qlik-User', value: 'UserDirectory=Internal;UserId=sa_repository' }],
    clientCert: 'client.pem',
    clientCertKey: 'client_key.pem',
    clientCertCA: 'root.pem',
    timeoutMs: 5000,
    retries: 1,
    filterQuoteEscape: 'backslash',
    maxIdsPerLookup: 100,
    readinessCacheMs: 1000,
  },
};

function merge<T>(base: T, patch: unknown): T {
  if (patch === undefined) return base;
  if (Array.isArray(patch) || patch === null || typeof patch !== 'object') return patch as T;
  const out: Record<string, unknown> = { ...(base as Record<string, unknown>) };
  for (const [key, value] of Object.entries(patch)) out[key] = merge(out[key], value);
  return out as T;
}

/** Complete settings for tests: every endpoint on, memory key-value store, QRS on 127.0.0.1. */
export function testSettings(overrides?: DeepPartial<Settings>): Settings {
  return merge(BASE, overrides);
}

/** A QRS client for tests that never reach QRS: every call fails loudly. */
export const noQrs: QrsClient = new Proxy({} as QrsClient, {
  get: (_target, name) =>
    name === 'close' ? async () => undefined : async () => Promise.reject(new Error(`test has no QRS (called ${String(name)})`)),
});

export interface TestAppOptions {
  settings?: DeepPartial<Settings>;
  qrs?: QrsClient;
  kv?: KvStore | null;
  logger?: Logger;
  https?: HttpsServerOptions;
  rateLimitCounter?: HitCounter;
}

export async function buildTestApp(opts: TestAppOptions = {}): Promise<FastifyInstance> {
  return buildApp({
    settings: testSettings(opts.settings),
    logger: opts.logger ?? winston.createLogger({ silent: true }),
    qrs: opts.qrs ?? noQrs,
    kv: opts.kv === undefined ? null : opts.kv,
    version: '0.0.0-test',
    ...(opts.https ? { https: opts.https } : {}),
    ...(opts.rateLimitCounter ? { rateLimitCounter: opts.rateLimitCounter } : {}),
  });
}

/** Listens on a free loopback port (needed for what inject() skips) and returns the base URL (https when serving TLS). */
export async function listen(app: FastifyInstance): Promise<string> {
  await app.listen({ host: '127.0.0.1', port: 0 });
  const { port } = app.server.address() as AddressInfo;
  const scheme = 'setSecureContext' in app.server ? 'https' : 'http';
  return `${scheme}://127.0.0.1:${port}`;
}
