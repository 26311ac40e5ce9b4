import { readFileSync } from 'node:fs';
import type { FastifyInstance } from 'fastify';
import type { Logger } from 'winston';
import { buildApp } from './app.js';
import type { Settings } from './config/settings.js';
import { ConfigError } from './errors.js';
import { createKvStore } from './kvstore/index.js';
import { createQrsClient } from './qrs/index.js';

export interface RunningService {
  app: FastifyInstance;
  /** Base URL the REST API listens on. */
  url: string;
  /** Stops accepting, lets in-flight requests finish, then closes the store and the QRS client. */
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

function httpsOptions(settings: Settings) {
  const { tls } = settings.server;
  if (!tls.enable) return undefined;
  return {
    cert: readTlsFile('Butler.restServerConfig.tls.cert', tls.cert),
    key: readTlsFile('Butler.restServerConfig.tls.key', tls.key),
    ...(tls.ca ? { ca: readTlsFile('Butler.restServerConfig.tls.ca', tls.ca) } : {}),
  };
}

/** Composition root: builds every dependency once, hands them to buildApp, listens. */
export async function startService(settings: Settings, logger: Logger, version: string): Promise<RunningService> {
  const qrs = createQrsClient(settings.qrs, { logger });
  let kv = null;
  try {
    kv = settings.keyValueStore.enable ? await createKvStore(settings.keyValueStore, { logger }) : null;
    const app = await buildApp({ settings, logger, qrs, kv, version, https: httpsOptions(settings) });
    await app.listen({ host: settings.server.host, port: settings.server.port });
    const { tls, host } = settings.server;
    const address = app.server.address();
    const port = typeof address === 'object' && address ? address.port : settings.server.port;
    const url = `${tls.enable ? 'https' : 'http'}://${host.includes(':') ? `[${host}]` : host}:${port}`;
    const store = kv;
    return {
      app,
      url,
      async close() {
        await app.close();
        await store?.close();
        await qrs.close();
      },
    };
  } catch (err) {
    await kv?.close();
    await qrs.close();
    throw err;
  }
}
