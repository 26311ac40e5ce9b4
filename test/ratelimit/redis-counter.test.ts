/**
 * The Redis hit counter against a real redis-server: limits shared between two app
 * instances, windows that end, and counting that falls back to the instance (never an
 * error answer) while Redis is away.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { createClient } from '@keyv/redis';
import { createRedisHitCounter, type HitCounter } from '../../src/ratelimit/index.js';
import { buildTestApp } from '../helpers/app.js';
import { createCapturingLogger } from '../helpers/logger.js';
import { startRedis, type RedisServer } from '../helpers/redis.js';
import { waitUntil } from '../helpers/wait.js';

let redis: RedisServer;
let prefixCount = 0;

before(async () => {
  redis = await startRedis();
});
after(() => redis.stop());

const nextPrefix = () => `stg-ratelimit-test-${++prefixCount}`;

async function counterFor(t: { after: (fn: () => Promise<void>) => void }, keyPrefix: string, url = redis.url) {
  const { logger, lines } = createCapturingLogger('info');
  const counter = await createRedisHitCounter({ url, keyPrefix, logger });
  t.after(() => counter.close());
  return { counter, lines };
}

async function appWith(t: { after: (fn: () => Promise<void>) => void }, counter: HitCounter, maxPerMinute: number) {
  const app = await buildTestApp({ settings: { server: { rateLimit: { maxPerMinute } } }, rateLimitCounter: counter });
  t.after(() => app.close());
  return app;
}

test('two instances sharing a Redis share the limit', async (t) => {
  const prefix = nextPrefix();
  const a = await appWith(t, (await counterFor(t, prefix)).counter, 3);
  const b = await appWith(t, (await counterFor(t, prefix)).counter, 3);
  const ping = (app: typeof a) => app.inject({ method: 'GET', url: '/v4/butlerping' });
  assert.equal((await ping(a)).statusCode, 200);
  assert.equal((await ping(b)).statusCode, 200);
  assert.equal((await ping(a)).statusCode, 200);
  const refused = await ping(b);
  assert.equal(refused.statusCode, 429);
  assert.ok(Number(refused.headers['retry-after']) > 0 && Number(refused.headers['retry-after']) <= 60);

  const client = createClient({ url: redis.url });
  await client.connect();
  t.after(() => client.close());
  const key = `${prefix}:ratelimit:ip:127.0.0.1`;
  assert.equal(await client.get(key), '4');
  const ttl = await client.pTTL(key);
  assert.ok(ttl > 0 && ttl <= 60_000, `PTTL ${ttl}`);
});

test('a window ends: the count starts again', async (t) => {
  const { counter } = await counterFor(t, nextPrefix());
  // A window no slow machine can outlast: hits in it count up.
  assert.equal((await counter.hit('caller', 60_000)).count, 1);
  const second = await counter.hit('caller', 60_000);
  assert.equal(second.count, 2);
  assert.ok(second.msLeft > 0 && second.msLeft <= 60_000, `msLeft ${second.msLeft}`);

  // A short window: every hit counts one more until the window ends, then the count is 1 again.
  const windowMs = 300;
  const counts = [(await counter.hit('short', windowMs)).count];
  let last = { count: 0, msLeft: 0 };
  await waitUntil(
    async () => {
      last = await counter.hit('short', windowMs);
      counts.push(last.count);
      return last.count === 1;
    },
    () => `the ${windowMs} ms window to end (counts: ${counts.join(', ')})`,
    { intervalMs: 50 },
  );
  const before = counts.slice(0, -1);
  assert.deepEqual(before, before.map((_count, index) => index + 1), `counts ${counts.join(', ')}`);
  assert.ok(last.msLeft > 0 && last.msLeft <= windowMs, `the new window runs ${windowMs} ms (msLeft ${last.msLeft})`);
});

test('Redis down: hits are counted in the instance (limits still hold, no 5xx), one warning; back when it returns', async (t) => {
  const own = await startRedis();
  t.after(() => own.stop());
  const prefix = nextPrefix();
  const { counter, lines } = await counterFor(t, prefix, own.url);
  const app = await appWith(t, counter, 2);
  const ping = () => app.inject({ method: 'GET', url: '/v4/butlerping' });
  assert.equal((await ping()).statusCode, 200);

  await own.stop();
  const during = [await ping(), await ping(), await ping()].map((res) => res.statusCode);
  assert.deepEqual(during, [200, 200, 429], 'a fresh local count, limited');
  const warnings = lines().filter((line) => line.includes('"level":"warn"') && line.includes('rate limit'));
  assert.equal(warnings.length, 1, warnings.join('\n'));
  assert.match(warnings[0]!, /counting in this instance/);
  assert.doesNotMatch(lines().join('\n'), /redis:\/\/[^"]*@/);

  const restarted = await startRedis(own.port);
  t.after(() => restarted.stop());
  await waitUntil(
    async () => {
      await counter.hit('probe', 60_000);
      // Not just 'answers again': the outage warning ends with 'until it answers again'.
      return lines().some((line) => line.includes('answers again; limits are shared'));
    },
    'the counter to log that Redis answers again',
    { timeoutMs: 20_000, intervalMs: 100 },
  );
  const probe = await counter.hit('probe-after', 60_000);
  assert.equal(probe.count, 1);
  const client = createClient({ url: restarted.url });
  await client.connect();
  try {
    assert.equal(await client.exists(`${prefix}:ratelimit:probe-after`), 1, 'hits are counted in Redis again');
  } finally {
    await client.close();
  }
});

test('Redis unreachable at start: the counter starts anyway and counts locally', async (t) => {
  const gone = await startRedis();
  const url = gone.url;
  await gone.stop();
  const { counter, lines } = await counterFor(t, nextPrefix(), url);
  assert.equal((await counter.hit('x', 60_000)).count, 1);
  assert.equal((await counter.hit('x', 60_000)).count, 2);
  assert.ok(lines().some((line) => line.includes('not reachable yet')));
});
