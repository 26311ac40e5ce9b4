/**
 * The composition root: startService logs the security warnings, and with the Redis
 * key-value backend it counts rate limits in Redis, so two running instances share them.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { startService } from '../src/service.js';
import { testSettings } from './helpers/app.js';
import { createCapturingLogger } from './helpers/logger.js';
import { startRedis, type RedisServer } from './helpers/redis.js';
import { qrsSettingsOf, startTestSimulator, type TestSimulator } from './helpers/simulator.js';

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
