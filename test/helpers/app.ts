import type { ServerOptions as HttpsServerOptions } from 'node:https';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance } from 'fastify';
import winston, { type Logger } from 'winston';
import { buildApp } from '../../src/app.js';
import { loadSettings, type Settings } from '../../src/config/index.js';
import type { KvStore } from '../../src/kvstore/types.js';
import type { QrsClient } from '../../src/qrs/types.js';
import type { QlikCloudClient } from '../../src/qlikcloud/types.js';
import type { HitCounter } from '../../src/ratelimit/index.js';
import type { IdempotencyStore } from '../../src/idempotency/index.js';
import type { ReloadFinishedHub } from '../../src/reloadevents/index.js';

export type DeepPartial<T> = { -readonly [K in keyof T]?: T[K] extends readonly unknown[] ? T[K] : T[K] extends object ? DeepPartial<T[K]> : T[K] };

/** Loaded like a real file, so test settings are always settings the service accepts. */
const BASE: Settings = loadSettings(fileURLToPath(new URL('../fixtures/config/test-base.yaml', import.meta.url)), {
  env: {},
});

function merge<T>(base: T, patch: unknown): T {
  if (patch === undefined) return base;
  if (Array.isArray(patch) || patch instanceof Map || patch === null || typeof patch !== 'object') return patch as T;
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
  /** null: QRS off; absent: noQrs while settings.qrs.enable, else off. */
  qrs?: QrsClient | null;
  qlikCloud?: QlikCloudClient | null;
  kv?: KvStore | null;
  logger?: Logger;
  https?: HttpsServerOptions;
  rateLimitCounter?: HitCounter;
  idempotencyStore?: IdempotencyStore;
  reloadEvents?: ReloadFinishedHub;
}

export async function buildTestApp(opts: TestAppOptions = {}): Promise<FastifyInstance> {
  const settings = testSettings(opts.settings);
  return buildApp({
    settings,
    logger: opts.logger ?? winston.createLogger({ silent: true }),
    qrs: opts.qrs !== undefined ? opts.qrs : settings.qrs.enable ? noQrs : null,
    qlikCloud: opts.qlikCloud ?? null,
    kv: opts.kv === undefined ? null : opts.kv,
    version: '0.0.0-test',
    ...(opts.https ? { https: opts.https } : {}),
    ...(opts.rateLimitCounter ? { rateLimitCounter: opts.rateLimitCounter } : {}),
    ...(opts.idempotencyStore ? { idempotencyStore: opts.idempotencyStore } : {}),
    ...(opts.reloadEvents ? { reloadEvents: opts.reloadEvents } : {}),
  });
}

/** Listens on a free loopback port (needed for what inject() skips) and returns the base URL (https when serving TLS). */
export async function listen(app: FastifyInstance): Promise<string> {
  await app.listen({ host: '127.0.0.1', port: 0 });
  const { port } = app.server.address() as AddressInfo;
  const scheme = 'setSecureContext' in app.server ? 'https' : 'http';
  return `${scheme}://127.0.0.1:${port}`;
}
