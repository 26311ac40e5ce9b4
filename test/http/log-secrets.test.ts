/**
 * Secrets hygiene: everything the service logs, at the most verbose level, while callers
 * use (and misuse) API keys, client certificates and the key-value store, is searched for
 * the secrets involved: API keys and their digests, key-value values, certificate and key
 * PEM text, the Redis password, the callback secret. None may appear. Once in process, once through main.ts with
 * a config file (which also dumps the effective configuration at debug level).
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import type { CertBundle, CertPaths } from '../../src/simulator/index.js';
import { createKvStore } from '../../src/kvstore/index.js';
import { createQrsClient } from '../../src/qrs/index.js';
import { createRedisHitCounter } from '../../src/ratelimit/index.js';
import { redactedSettings } from '../../src/config/index.js';
import { httpsOptions } from '../../src/service.js';
import { TASKS } from '../starttask/harness.js';
import { AUTH_ON, KEYS, sha256Hex } from '../helpers/api-keys.js';
import { buildTestApp, listen, testSettings } from '../helpers/app.js';
import { startReceiver } from '../helpers/callback-receiver.js';
import { createCapturingLogger } from '../helpers/logger.js';
import { listeningUrl, spawnTs } from '../helpers/process.js';
import { qrsSettingsOf, startTestSimulator, type TestSimulator } from '../helpers/simulator.js';
import { waitUntil } from '../helpers/wait.js';

const VALUES = ['kv-secret-value-3b7e91', 'kv-secret-start-value-c05d2f', 'kv-secret-too-long-value-'.padEnd(80, 'z')];
const REDIS_PASSWORD = 'redis-pw-4e8a1c77';
const CALLBACK_SECRET = 'callback-secret-9b1f6d2e';

let simulator: TestSimulator;
let dir: string;

before(async () => {
  simulator = await startTestSimulator();
  dir = await mkdtemp(join(tmpdir(), 'stg-secrets-'));
});
after(async () => {
  await simulator.close();
  await rm(dir, { recursive: true, force: true });
});

/** A distinctive line from the middle of each PEM text (its base64 body). */
function pemFragments(certs: CertBundle): string[] {
  return Object.values(certs).map((pem) => {
    const body = pem.split('\n').filter((line: string) => line !== '' && !line.startsWith('-----'));
    return body[Math.floor(body.length / 2)]!;
  });
}

function secrets(certs: CertBundle): string[] {
  return [
    ...Object.values(KEYS),
    ...Object.values(KEYS).map(sha256Hex),
    ...VALUES,
    ...pemFragments(certs),
    REDIS_PASSWORD,
    CALLBACK_SECRET,
    '-----BEGIN',
  ];
}

function assertNoSecrets(text: string, certs: CertBundle): void {
  const leaked = secrets(certs).filter((secret) => text.includes(secret));
  assert.deepEqual(leaked, [], 'secrets found in the log');
}

/** An HTTPS call with a client certificate (or none), resolving to the status code, 0 on a refused handshake. */
function httpsCall(
  base: string,
  path: string,
  init: { method?: string; headers?: Record<string, string>; body?: string; client?: CertBundle; ca: string },
): Promise<number> {
  return new Promise((resolve) => {
    const req = request(
      `${base}${path}`,
      {
        method: init.method ?? 'GET',
        headers: init.headers,
        ca: init.ca,
        agent: false,
        ...(init.client ? { cert: init.client.clientCert, key: init.client.clientKey } : {}),
      },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      },
    );
    req.on('error', () => resolve(0));
    req.end(init.body);
  });
}

test('in process, at silly level: keys, values, certificates and passwords never reach the log', async (t) => {
  const { logger, lines } = createCapturingLogger('silly');
  const { certs, certPaths, sim } = simulator;
  const receiver = await startReceiver(t, { verify: { secret: CALLBACK_SECRET } });
  const settings = testSettings({
    server: {
      auth: AUTH_ON,
      rateLimit: { maxPerMinute: 1000 },
      tls: { enable: true, cert: certPaths.serverCert, key: certPaths.serverKey, ca: null, clientCa: certPaths.ca },
    },
    keyValueStore: { maxValueLength: 40, redis: { url: `redis://user:${REDIS_PASSWORD}@127.0.0.1:1` } },
    startTask: { callback: { allowedUrlPrefixes: [`${receiver.base}/`], secret: CALLBACK_SECRET } },
    qrs: {
      ...qrsSettingsOf(simulator),
      retries: 0,
    },
  });
  const qrs = createQrsClient(settings.qrs, { logger });
  t.after(() => qrs.close());
  const kv = await createKvStore(settings.keyValueStore, { logger });
  t.after(() => kv.close());
  // A Redis that is not there, with a password in its URL: the counter logs its outage.
  const counter = await createRedisHitCounter({ url: settings.keyValueStore.redis.url, keyPrefix: 'stg', logger });
  t.after(() => counter.close());
  const app = await buildTestApp({ settings, qrs, kv, logger, https: httpsOptions(settings.server.tls)!, rateLimitCounter: counter });
  const base = await listen(app);
  t.after(() => app.close());

  const json = { 'content-type': 'application/json' };
  const as = (key: string, header: 'bearer' | 'x-api-key' = 'bearer'): Record<string, string> =>
    header === 'bearer' ? { authorization: `Bearer ${key}` } : { 'x-api-key': key };
  const calls: Omit<Parameters<typeof httpsCall>[2], 'ca'>[] = [
    { method: 'POST', body: JSON.stringify({ key: 'k', value: VALUES[0] }), headers: { ...json, ...as(KEYS.writer) } },
    { method: 'POST', body: JSON.stringify({ key: 'k', value: VALUES[0] }), headers: { ...json, ...as(KEYS.reader, 'x-api-key') } },
    { method: 'POST', body: JSON.stringify({ key: 'k', value: VALUES[2] }), headers: { ...json, ...as(KEYS.admin) } },
    { method: 'POST', body: JSON.stringify({ key: 'k', value: VALUES[0] }), headers: { ...json, ...as(`${KEYS.admin}x`) } },
    { method: 'POST', body: `{"key":"k","value":"${VALUES[0]}"`, headers: { ...json, ...as(KEYS.writer) } },
    { method: 'POST', body: JSON.stringify({ key: 'k', value: VALUES[0], ttl: 'soon' }), headers: { ...json, ...as(KEYS.writer) } },
    { method: 'POST', body: JSON.stringify({ key: 'k', value: VALUES[0] }), headers: { ...json, authorization: `Basic ${KEYS.writer}` } },
  ];
  for (const init of calls) await httpsCall(base, '/v4/keyvalues/ns', { ...init, client: certs, ca: certs.caCert });
  for (const key of Object.values(KEYS)) {
    await httpsCall(base, '/v4/keyvalues/ns?key=k', { headers: as(key), client: certs, ca: certs.caCert });
    await httpsCall(base, '/v4/keyvalues/ns/keyexists?key=k', { headers: as(key, 'x-api-key'), client: certs, ca: certs.caCert });
  }
  const startBody = JSON.stringify([
    { type: 'starttaskid', payload: { taskId: TASKS.app1.taskId } },
    { type: 'keyvaluestore', payload: { namespace: 'params', key: 'p', value: VALUES[1] } },
  ]);
  const callbackUrl = encodeURIComponent(`${receiver.base}/done`);
  await httpsCall(base, `/v4/reloadtask/-/start?callbackUrl=${callbackUrl}`, { method: 'PUT', body: startBody, headers: { ...json, ...as(KEYS.starter) }, client: certs, ca: certs.caCert });
  await httpsCall(base, '/v4/reloadtask/-/start', { method: 'PUT', body: startBody, headers: { ...json, ...as(KEYS.reader) }, client: certs, ca: certs.caCert });
  await httpsCall(base, '/v4/keyvalues/ns/k', { method: 'DELETE', headers: as(KEYS.writer), client: certs, ca: certs.caCert });
  assert.equal(await httpsCall(base, '/health', { ca: certs.caCert }), 0, 'no client certificate: refused');
  logger.debug('effective configuration (secrets redacted)', { settings: redactedSettings(settings) });

  // The flows above really ran: the pair was stored and read, the task started.
  assert.deepEqual(sim.stats.starts, [TASKS.app1.taskId]);
  assert.equal((await kv.get('params', 'p'))?.value, VALUES[1]);
  await waitUntil(() => lines().some((line) => line.includes('delivered')), 'the signed callback to be delivered');
  assert.deepEqual(receiver.received.map((r) => r.verified), [true]);
  const text = lines().join('\n');
  assert.match(text, /"caller":"writer"/);
  assert.match(text, /rate limit: Redis at 127\.0\.0\.1:1/);
  assertNoSecrets(text, certs);
});

test('through main.ts at --loglevel silly: the config dump and request logs hold no secret', async (t) => {
  const { certs, certPaths } = simulator;
  const configFile = join(dir, 'secrets.yaml');
  await writeFile(
    configFile,
    [
      'Butler:',
      '  restServerConfig:',
      '    serverHost: 127.0.0.1',
      '    serverPort: 0',
      '    tls:',
      '      enable: true',
      `      cert: ${certPaths.serverCert}`,
      `      key: ${certPaths.serverKey}`,
      `      clientCa: ${certPaths.ca}`,
      '    auth:',
      '      enable: true',
      '      apiKeys:',
      `        - { name: writer, key: ${KEYS.writer}, scopes: [kvWrite, kvRead] }`,
      `        - { name: admin, key: "sha256:${sha256Hex(KEYS.admin)}", scopes: [admin] }`,
      '  restServerEndpointsEnable:',
      '    keyValueStore: true',
      '    apiListEnabledEndpoints: true',
      '  startTaskCallback:',
      `    secret: ${CALLBACK_SECRET}`,
      '  keyValueStore:',
      '    backend: memory',
      '    redis:',
      `      url: redis://:${REDIS_PASSWORD}@127.0.0.1:6379`,
      '  cert:',
      `    clientCert: ${certPaths.clientCert}`,
      `    clientCertKey: ${certPaths.clientKey}`,
      `    clientCertCA: ${certPaths.ca}`,
    ].join('\n'),
  );
  const run = spawnTs('src/main.ts', ['-c', configFile, '--loglevel', 'silly']);
  t.after(() => run.stop());
  const base = await listeningUrl(run);
  assert.match(base, /^https:\/\/127\.0\.0\.1:[1-9]\d*$/);
  const write = JSON.stringify({ key: 'k', value: VALUES[0] });
  const client = { client: certs, ca: certs.caCert };
  assert.equal(await httpsCall(base, '/v4/keyvalues/ns', { method: 'POST', body: write, headers: { 'content-type': 'application/json', 'x-api-key': KEYS.writer }, ...client }), 201);
  assert.equal(await httpsCall(base, '/v4/keyvalues/ns?key=k', { headers: { authorization: `Bearer ${KEYS.writer}` }, ...client }), 200);
  assert.equal(await httpsCall(base, '/v4/configfile/endpointsenabled', { headers: { authorization: `Bearer ${KEYS.admin}` }, ...client }), 200);
  assert.equal(await httpsCall(base, '/v4/keyvalues/ns', { method: 'POST', body: write, headers: { 'content-type': 'application/json', 'x-api-key': KEYS.reader }, ...client }), 401);
  assert.equal(await httpsCall(base, '/health', { ca: certs.caCert }), 0);
  await run.stop();

  const output = run.output();
  assert.match(output, /effective configuration \(secrets redacted\)/);
  assert.match(output, /"name":"writer"/, 'the dump names the keys');
  assert.match(output, /"secret":"\[REDACTED\]"/, 'the dump says a callback secret is set');
  assert.match(output, /SECURITY: QRS's server certificate is not verified/);
  assertNoSecrets(output, certs);
});
