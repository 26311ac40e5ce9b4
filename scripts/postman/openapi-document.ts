import { join } from 'node:path';
import winston from 'winston';
import { buildApp } from '../../src/app.js';
import { loadSettings } from '../../src/config/index.js';
import type { QrsClient } from '../../src/qrs/types.js';
import { projectRoot, readVersion } from '../../src/version.js';
import type { OpenApiDocument } from './openapi-types.js';

/** Building the document touches no QRS; a call would be a bug, so every method refuses. */
const refusingQrs = new Proxy({} as QrsClient, {
  get: (_target, name) =>
    name === 'close'
      ? async () => undefined
      : async () => Promise.reject(new Error(`the OpenAPI document needs no QRS (called ${String(name)})`)),
});

/**
 * The service's own OpenAPI document, as `npm run demo` serves it at /documentation/json:
 * the app is built in-process from config/demo.yaml (no listening, no QRS, no store).
 * STG_* variables of the caller's shell are ignored so the result is the same everywhere.
 */
export async function demoOpenApiDocument(): Promise<OpenApiDocument> {
  const settings = loadSettings(join(projectRoot(), 'config', 'demo.yaml'), { env: {} });
  const app = await buildApp({
    settings,
    logger: winston.createLogger({ silent: true }),
    qrs: refusingQrs,
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
