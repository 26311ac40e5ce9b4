/**
 * Secrets hygiene of the Qlik Cloud client: everything it logs (at the most verbose level) and
 * every error it throws, through successes and every kind of failure, is searched for the API
 * key, the client secrets and every access token the tenant granted. A recording proxy in
 * front of the simulator sees the tokens, so the test knows what to look for.
 */
import assert from 'node:assert/strict';
import { createServer, request, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { test, type TestContext } from 'node:test';
import type { RunningQlikCloudSimulator } from '../../src/simulator/qlik-cloud/index.js';
import { createCapturingLogger } from '../helpers/logger.js';
import { CLOUD_API_KEY, CLOUD_CLIENT_ID, CLOUD_CLIENT_SECRET, cloudClientFor, startCloudSimulator } from './harness.js';

const WRONG_SECRET = 'wrong-client-secret-5e0b7d';
const WRONG_API_KEY = 'wrong-api-key-91ac4f';

/** Forwards every request to `sim` and records each access token that passes, either way. */
async function recordingProxy(t: TestContext, sim: RunningQlikCloudSimulator): Promise<{ url: string; tokens: Set<string> }> {
  const tokens = new Set<string>();
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const bearer = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1];
    if (bearer !== undefined) tokens.add(bearer);
    const upstream = request({ host: '127.0.0.1', port: sim.port, method: req.method, path: req.url, headers: req.headers }, (answer) => {
      const chunks: Buffer[] = [];
      answer.on('data', (chunk: Buffer) => chunks.push(chunk));
      answer.on('end', () => {
        const body = Buffer.concat(chunks);
        const token = /"access_token":"([^"]+)"/.exec(body.toString('utf8'))?.[1];
        if (token !== undefined) tokens.add(token);
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        res.end(body);
      });
    });
    upstream.on('error', () => res.destroy());
    req.pipe(upstream);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.after(() => new Promise<void>((resolve) => server.close(() => resolve())));
  t.after(() => server.closeAllConnections());
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, tokens };
}

test('no log line and no error carries the API key, a client secret or an access token', async (t) => {
  // Enough apps under one tag for a second page, whose link the paging test points elsewhere.
  const apps = Array.from({ length: 120 }, (_, n) => ({ id: `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`, name: `App ${n}`, tags: ['all'] }));
  const sim = await startCloudSimulator(t, { apps, reloadMs: Number.POSITIVE_INFINITY });
  const proxy = await recordingProxy(t, sim);
  const { logger, lines } = createCapturingLogger('silly');
  const tenant = { url: proxy.url };
  const oauth = cloudClientFor(t, tenant, { auth: 'oauth', logger, settings: { timeoutMs: 500 } });
  const apiKey = cloudClientFor(t, tenant, { logger, settings: { timeoutMs: 500 } });
  const wrongSecret = cloudClientFor(t, tenant, { logger, settings: { credentials: { kind: 'oauth', clientId: CLOUD_CLIENT_ID, clientSecret: WRONG_SECRET } } });
  const wrongKey = cloudClientFor(t, tenant, { logger, settings: { credentials: { kind: 'apiKey', apiKey: WRONG_API_KEY } } });
  const appId = sim.apps[0]?.id ?? '';
  const errors: unknown[] = [];
  const attempt = async (call: () => Promise<unknown>): Promise<void> => {
    await call().catch((error: unknown) => errors.push(error));
  };

  for (const client of [oauth, apiKey]) {
    for (const reload of sim.reloads.all()) sim.reloads.finish(reload.id);
    await attempt(() => client.probe());
    await attempt(() => client.findApps({ appIds: [appId], tags: ['all'] }));
    assert.ok((await client.startReload(appId, { partial: false, variables: { vSecretish: 'token' } })).started);
    await attempt(() => client.startReload(appId, { partial: false, variables: {} })); // pending
    for (const reload of sim.reloads.all()) sim.reloads.finish(reload.id);
    sim.expireTokens();
    await attempt(() => client.getReload('0123456789abcdef01234567'));
    sim.hooks.quotaExceeded = true;
    await attempt(() => client.startReload(appId, { partial: false, variables: {} }));
    sim.hooks.quotaExceeded = false;
    sim.hooks.failReadsWith = 503;
    await attempt(() => client.getReloadsOfAppSince(appId, new Date(0)));
    sim.hooks.failReadsWith = null;
    sim.hooks.startAnswerDelayMs = 2_000;
    await attempt(() => client.startReload(appId, { partial: false, variables: {} }));
    sim.hooks.startAnswerDelayMs = 0;
    sim.hooks.linkBaseUrl = 'http://127.0.0.2:9';
    await attempt(() => client.findApps({ appIds: [], tags: ['all'] }));
    sim.hooks.linkBaseUrl = null;
  }
  await attempt(() => wrongSecret.probe());
  await attempt(() => wrongKey.probe());

  assert.ok(proxy.tokens.size >= 3, `the proxy saw ${proxy.tokens.size} tokens`);
  assert.equal(errors.length, 8, 'per client a 503, a timeout and a refused link; two refused credentials');
  const secrets = [CLOUD_API_KEY, CLOUD_CLIENT_SECRET, WRONG_SECRET, WRONG_API_KEY, ...proxy.tokens];
  const logged = lines().join('\n');
  const thrown = errors.map((error) => `${String(error)} ${JSON.stringify(error)} ${(error as Error).stack ?? ''}`).join('\n');
  assert.ok(logged.includes('/api/v1/reloads') && logged.includes('/oauth/token'), 'failures were logged');
  assert.deepEqual(
    secrets.filter((secret) => logged.includes(secret)),
    [],
    'secrets in the log',
  );
  assert.deepEqual(
    secrets.filter((secret) => thrown.includes(secret)),
    [],
    'secrets in errors',
  );
});
