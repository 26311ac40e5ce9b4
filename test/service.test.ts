/**
 * The composition root: startService logs the security warnings, and with the Redis
 * key-value backend it counts rate limits in Redis and shares Qlik Cloud's reload-finished
 * events through it, so two running instances share them; close() closes what it opened.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { createClient } from '@keyv/redis';
import type { Settings } from '../src/config/settings.js';
import { startService } from '../src/service.js';
import { startQlikCloudSimulator } from '../src/simulator/qlik-cloud/index.js';
import { testSettings, type DeepPartial } from './helpers/app.js';
import { createCapturingLogger } from './helpers/logger.js';
import { startRedis, type RedisServer } from './helpers/redis.js';
import { qrsSettingsOf, startTestSimulator, type TestSimulator } from './helpers/simulator.js';
import { waitUntil } from './helpers/wait.js';

let redis: RedisServer;
let simulator: TestSimulator;

before(async () => {
  [redis, simulator] = await Promise.all([startRedis(), startTestSimulator()]);
});
after(async () => {
  await simulator.close();
  await redis.stop();
});

function settingsFor(maxPerMinute: number, rejectUnauthorized: boolean) {
  return testSettings({
    server: { host: '127.0.0.1', port: 0, rateLimit: { maxPerMinute } },
    keyValueStore: { backend: 'redis', redis: { url: redis.url, keyPrefix: `stg-service-test-${maxPerMinute}` } },
    qrs: {
      ...qrsSettingsOf(simulator),
      rejectUnauthorized,
    },
  });
}

test('two instances on one Redis share the rate limit; closing them closes everything', async (t) => {
  const settings = settingsFor(3, true);
  const a = await startService(settings, createCapturingLogger('info').logger, '0.0.0-test');
  t.after(() => a.close());
  const b = await startService(settings, createCapturingLogger('info').logger, '0.0.0-test');
  t.after(() => b.close());
  const statuses: number[] = [];
  for (const service of [a, b, a, b]) {
    const res = await fetch(`${service.url}/v4/keyvaluesnamespaces`);
    statuses.push(res.status);
    await res.text();
  }
  assert.deepEqual(statuses, [200, 200, 200, 429]);
});

test('startService logs the security warnings before listening', async (t) => {
  const { logger, lines } = createCapturingLogger('info');
  const service = await startService(settingsFor(7, false), logger, '0.0.0-test');
  t.after(() => service.close());
  const warnings = lines().filter((line) => line.includes('"level":"warn"') && line.includes('SECURITY'));
  assert.equal(warnings.length, 1, lines().join('\n'));
  assert.match(warnings[0]!, /QRS's server certificate is not verified/);
});

/** Connections to `server` other than the one asking (CLIENT LIST lists the asker too). */
async function otherRedisClients(server: RedisServer): Promise<number> {
  const client = createClient({ url: server.url });
  await client.connect();
  try {
    const list = await client.sendCommand(['CLIENT', 'LIST']);
    return String(list).trim().split('\n').length - 1;
  } finally {
    await client.close();
  }
}

test('close() closes the key-value store and the QRS client, not only the listener', async (t) => {
  // A Redis and a simulator of its own: every connection they see is this service's.
  const ownRedis = await startRedis();
  t.after(() => ownRedis.stop());
  const ownSimulator = await startTestSimulator();
  t.after(() => ownSimulator.close());
  // The key-value store is the only Redis user: no Redis rate-limit counter, no start endpoint
  // (whose Idempotency-Keys would open a connection of their own).
  const settings = testSettings({
    server: { host: '127.0.0.1', port: 0, rateLimit: { maxPerMinute: 0 } },
    endpoints: { senseStartTask: false },
    keyValueStore: { backend: 'redis', redis: { url: ownRedis.url, keyPrefix: 'stg-service-close-test' } },
    qrs: { ...qrsSettingsOf(ownSimulator), timeoutMs: 60_000, retries: 0 },
  });
  const service = await startService(settings, createCapturingLogger('info').logger, '0.0.0-test');
  let closed = false;
  t.after(() => (closed ? undefined : service.close()));

  const stored = await fetch(`${service.url}/v4/keyvalues/ns`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ key: 'k', value: 'v' }),
  });
  assert.equal(stored.status, 201);
  assert.ok((await otherRedisClients(ownRedis)) >= 1, 'the store is connected to Redis');

  // A QRS call held in flight (so no idle-socket timeout closes its connection): the /ready
  // probe, whose HTTP caller gives up once QRS has the request.
  const { sim } = ownSimulator;
  sim.hooks.latencyMs = 10 * 60_000;
  const caller = new AbortController();
  const probe = fetch(`${service.url}/ready`, { signal: caller.signal }).catch(() => 'aborted');
  await waitUntil(() => sim.stats.requestCount({ pathPrefix: '/qrs/about' }) === 1, 'the readiness probe to reach QRS');
  caller.abort();
  assert.equal(await probe, 'aborted');
  assert.equal(sim.stats.openConnections, 1, 'the QRS client holds its connection');

  await service.close();
  closed = true;
  await waitUntil(() => sim.stats.openConnections === 0, () => `the QRS client to close its connection (${sim.stats.openConnections} open)`);
  let redisClients = -1;
  await waitUntil(
    async () => (redisClients = await otherRedisClients(ownRedis)) === 0,
    () => `the key-value store to close its Redis connection (${redisClients} still connected)`,
  );
});

test('two instances on one Redis share Qlik Cloud reload-finished events: one takes the event, the other ends its wait; close() closes the hub', async (t) => {
  const ownRedis = await startRedis();
  t.after(() => ownRedis.stop());
  const cloud = await startQlikCloudSimulator({ host: '127.0.0.1', port: 0, reloadMs: Number.POSITIVE_INFINITY });
  t.after(() => cloud.close());
  const secret = 'service-test-webhook-secret-5e0d8a7c21';
  const settings = testSettings({
    server: { host: '127.0.0.1', port: 0, rateLimit: { maxPerMinute: 0 } },
    keyValueStore: { backend: 'redis', redis: { url: ownRedis.url, keyPrefix: 'stg-service-events' } },
    qrs: qrsSettingsOf(simulator),
    qlikCloud: {
      enable: true,
      tenantUrl: cloud.url,
      credentials: { kind: 'apiKey', apiKey: cloud.credentials.apiKey },
      timeoutMs: 5000,
      maxRequestsPerMinute: 600,
      taskMap: new Map(),
      webhook: { enable: true, secret },
    },
  } as DeepPartial<Settings>);
  const waiting = await startService(settings, createCapturingLogger('info').logger, '0.0.0-test');
  const receiving = await startService(settings, createCapturingLogger('info').logger, '0.0.0-test');
  let closed = false;
  t.after(async () => {
    if (closed) return;
    await waiting.close();
    await receiving.close();
  });
  cloud.hooks.webhookUrl = `${receiving.url}/v4/qlikcloud/webhook`;
  cloud.hooks.webhookSecret = secret;

  const app = cloud.apps[0] ?? assert.fail('the demo fixture has apps');
  const answer = fetch(`${waiting.url}/v4/reloadtask/${app.id}/start?wait=true&timeoutSeconds=60`, { method: 'PUT' });
  await waitUntil(() => cloud.stats.requestCount({ endpoint: 'GET /api/v1/reloads/{reloadId}' }) > 0, 'the waiting instance to poll');
  // Polling cannot see the end from now on: only the event, taken by the other instance, can.
  cloud.hooks.failReadsWith = 503;
  cloud.reloads.finish(cloud.stats.reloadsCreated[0]?.reloadId ?? '');
  const body = (await (await answer).json()) as { wait: { finished: boolean }; executions: { status: string }[] };
  assert.equal(body.wait.finished, true);
  assert.deepEqual(body.executions.map((entry) => entry.status), ['SUCCEEDED']);
  assert.deepEqual(cloud.stats.webhookDeliveries.map((delivery) => delivery.status), [200]);

  await waiting.close();
  await receiving.close();
  closed = true;
  let redisClients = -1;
  await waitUntil(
    async () => (redisClients = await otherRedisClients(ownRedis)) === 0,
    () => `every Redis connection to close (${redisClients} still connected)`,
  );
});
