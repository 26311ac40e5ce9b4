/**
 * The container health check script (src/healthcheck/main.ts, the Dockerfile's HEALTHCHECK),
 * run as a real process against the app over real HTTP and HTTPS.
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test, type TestContext } from 'node:test';
import type { ServerSettings } from '../src/config/settings.js';
import { httpsOptions } from '../src/service.js';
import { buildTestApp, listen } from './helpers/app.js';
import { freePort, spawnTs } from './helpers/process.js';
import { testCertBundle } from './helpers/simulator.js';
import { writeCertBundle } from '../src/simulator/index.js';

async function configFile(t: TestContext, restServerConfig: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'stg-health-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const path = join(dir, 'butler.yaml');
  await writeFile(path, `Butler:\n  restServerConfig:\n${restServerConfig}`);
  return path;
}

async function serve(t: TestContext, tls: ServerSettings['tls']): Promise<number> {
  const https = httpsOptions(tls);
  const app = await buildTestApp(https ? { https } : {});
  t.after(() => app.close());
  return Number(new URL(await listen(app)).port);
}

async function certFiles(t: TestContext) {
  const dir = await mkdtemp(join(tmpdir(), 'stg-health-certs-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  return writeCertBundle(dir, await testCertBundle());
}

async function runCheck(config: string): Promise<{ code: number | string; output: string }> {
  const run = spawnTs('src/healthcheck/main.ts', ['--configfile', config]);
  const code = await run.exited;
  return { code, output: run.output() };
}

test('healthy over plain HTTP, with serverHost 0.0.0.0 checked on loopback', async (t) => {
  const port = await serve(t, { enable: false, cert: null, key: null, ca: null, clientCa: null });
  const result = await runCheck(await configFile(t, `    serverHost: 0.0.0.0\n    serverPort: ${port}\n`));
  assert.equal(result.code, 0, result.output);
});

test('healthy over HTTPS (tls.enable: true), whatever name the certificate has', async (t) => {
  const certs = await certFiles(t);
  const tls = { enable: true, cert: certs.serverCert, key: certs.serverKey, ca: null, clientCa: null };
  const port = await serve(t, tls);
  const yaml = `    serverHost: 127.0.0.1\n    serverPort: ${port}\n    tls:\n      enable: true\n      cert: ${certs.serverCert}\n      key: ${certs.serverKey}\n`;
  const result = await runCheck(await configFile(t, yaml));
  assert.equal(result.code, 0, result.output);
});

test('healthy over HTTPS that requires client certificates (the TLS handshake answers)', async (t) => {
  const certs = await certFiles(t);
  const tls = { enable: true, cert: certs.serverCert, key: certs.serverKey, ca: null, clientCa: certs.ca };
  const port = await serve(t, tls);
  const yaml =
    `    serverHost: 127.0.0.1\n    serverPort: ${port}\n    tls:\n      enable: true\n      cert: ${certs.serverCert}\n` +
    `      key: ${certs.serverKey}\n      clientCa: ${certs.ca}\n`;
  const result = await runCheck(await configFile(t, yaml));
  assert.equal(result.code, 0, result.output);
});

test('unhealthy when nothing answers: exit 1 with one line saying where it asked', async (t) => {
  const port = await freePort();
  const result = await runCheck(await configFile(t, `    serverHost: 127.0.0.1\n    serverPort: ${port}\n`));
  assert.equal(result.code, 1);
  assert.match(result.output, new RegExp(`^unhealthy: http://127\\.0\\.0\\.1:${port}/health: .*ECONNREFUSED`));
});
