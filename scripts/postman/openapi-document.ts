import { join } from 'node:path';
import winston from 'winston';
import { buildApp } from '../../src/app.js';
import { loadSettings } from '../../src/config/index.js';
import { demoQlikCloudEnv } from '../../src/demo/cloud-env.js';
import type { QlikCloudClient } from '../../src/qlikcloud/types.js';
import type { QrsClient } from '../../src/qrs/types.js';
import { projectRoot, readVersion } from '../../src/version.js';
import type { OpenApiDocument } from './openapi-types.js';

/** Building the document asks no backend; a call would be a bug, so every method refuses. */
function refusing<T extends object>(backend: string): T {
  return new Proxy({} as T, {
    get: (_target, name) =>
      name === 'close'
        ? async () => undefined
        : async () => Promise.reject(new Error(`the OpenAPI document needs no ${backend} (called ${String(name)})`)),
  });
}

/**
 * The service's own OpenAPI document, as `npm run demo` serves it at /documentation/json:
 * the app is built in-process from config/demo.yaml with Qlik Cloud on as the demo turns it on
 * (no listening, no backend, no store). STG_* variables of the caller's shell are ignored so
 * the result is the same everywhere.
 */
export async function demoOpenApiDocument(): Promise<OpenApiDocument> {
  const settings = loadSettings(join(projectRoot(), 'config', 'demo.yaml'), { env: demoQlikCloudEnv('http://127.0.0.1:9') });
  const app = await buildApp({
    settings,
    logger: winston.createLogger({ silent: true }),
    qrs: refusing<QrsClient>('QRS'),
    qlikCloud: refusing<QlikCloudClient>('Qlik Cloud'),
    kv: null,
    version: readVersion(),
  });
  try {
    await app.ready();
    return app.swagger() as unknown as OpenApiDocument;
  } finally {
    await app.close();
  }
}
