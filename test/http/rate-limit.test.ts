/**
 * Rate limiting through the real app: per API key, per client address without one,
 * refused attempts counted, probes and documentation never limited, 429 with Retry-After
 * in the service's error shape, and a fresh allowance once the window has ended (a fake
 * clock ends it, so nothing waits).
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { createMemoryHitCounter } from '../../src/ratelimit/index.js';
import { AUTH_ON, bearer, KEYS } from '../helpers/api-keys.js';
import { buildTestApp, type TestAppOptions } from '../helpers/app.js';

const LIMIT = 3;

function fakeClock(start = 1_000_000) {
  let now = start;
  return { now: () => now, advance: (ms: number) => void (now += ms) };
}

async function limitedApp(t: { after: (fn: () => Promise<void>) => void }, opts: TestAppOptions = {}) {
  const clock = fakeClock();
  const app = await buildTestApp({
    ...opts,
    settings: { ...opts.settings, server: { rateLimit: { maxPerMinute: LIMIT }, ...opts.settings?.server } },
    rateLimitCounter: createMemoryHitCounter({ now: clock.now }),
  });
  t.after(() => app.close());
  return { app, clock };
}

function ping(app: FastifyInstance, headers: Record<string, string> = {}, remoteAddress = '127.0.0.1') {
  return app.inject({ method: 'GET', url: '/v4/butlerping', headers, remoteAddress });
}

test('after maxPerMinute requests: 429 in the error shape with Retry-After; a new window allows again', async (t) => {
  const { app, clock } = await limitedApp(t);
  for (let i = 1; i <= LIMIT; i++) {
    const res = await ping(app);
    assert.equal(res.statusCode, 200);
    assert.equal(res.headers['x-ratelimit-limit'], String(LIMIT));
    assert.equal(res.headers['x-ratelimit-remaining'], String(LIMIT - i));
    assert.equal(res.headers['x-ratelimit-reset'], '60', 'seconds until the window ends');
  }
  clock.advance(20_000);
  const refused = await ping(app);
  assert.equal(refused.statusCode, 429);
  assert.equal(refused.headers['retry-after'], '40');
  assert.equal(refused.headers['x-ratelimit-remaining'], '0');
  assert.equal(refused.headers['x-ratelimit-reset'], '40');
  assert.deepEqual(refused.json(), {
    statusCode: 429,
    error: 'Too Many Requests',
    message: `too many requests: the limit is ${LIMIT} per minute per client address; retry in 40 s`,
    code: 'ERR_RATE_LIMITED',
  });
  clock.advance(40_000);
  const again = await ping(app);
  assert.equal(again.statusCode, 200);
  assert.equal(again.headers['x-ratelimit-remaining'], String(LIMIT - 1));
  assert.equal(again.headers['x-ratelimit-reset'], '60', 'a new window, reset a full minute away');
  clock.advance(15_500);
  assert.equal((await ping(app)).headers['x-ratelimit-reset'], '45', 'whole seconds left, rounded up');
});

test('each API key has its own bucket; requests without a valid key share their address', async (t) => {
  const { app } = await limitedApp(t, { settings: { server: { auth: AUTH_ON } } });
  for (let i = 0; i < LIMIT; i++) assert.equal((await ping(app, bearer(KEYS.reader))).statusCode, 200);
  assert.equal((await ping(app, bearer(KEYS.reader))).statusCode, 429);
  const refused = await ping(app, bearer(KEYS.reader));
  assert.match(refused.json().message, /per API key/);
  // Another key from the same address is not affected.
  assert.equal((await ping(app, bearer(KEYS.writer))).statusCode, 200);
  // Anonymous callers are counted per address.
  for (let i = 0; i < LIMIT; i++) assert.equal((await ping(app, {}, '10.0.0.1')).statusCode, 200);
  assert.equal((await ping(app, {}, '10.0.0.1')).statusCode, 429);
  assert.equal((await ping(app, {}, '10.0.0.2')).statusCode, 200);
});

test('refused attempts count: guessing keys from one address is throttled before it is refused', async (t) => {
  const { app } = await limitedApp(t, { settings: { server: { auth: AUTH_ON } } });
  const guess = (n: number) =>
    app.inject({ method: 'GET', url: '/v4/keyvaluesnamespaces', headers: bearer(`stg-test-key-guess-${n}-0000000`) });
  for (let i = 0; i < LIMIT; i++) assert.equal((await guess(i)).statusCode, 401);
  assert.equal((await guess(99)).statusCode, 429);
  // A valid key has its own bucket, so it still gets through.
  assert.equal((await app.inject({ method: 'GET', url: '/v4/configfile/endpointsenabled', headers: bearer(KEYS.admin) })).statusCode, 200);
});

test('health, readiness and the documentation are never limited; unknown routes are', async (t) => {
  const { app } = await limitedApp(t);
  for (let i = 0; i < LIMIT * 3; i++) {
    for (const url of ['/health', '/documentation/', '/documentation/json', '/documentation/static/swagger-ui.css']) {
      const res = await app.inject({ method: 'GET', url });
      assert.equal(res.statusCode, 200, url);
      assert.equal(res.headers['x-ratelimit-limit'], undefined, url);
    }
  }
  for (let i = 0; i < LIMIT; i++) assert.equal((await app.inject({ method: 'GET', url: '/nope' })).statusCode, 404);
  assert.equal((await app.inject({ method: 'GET', url: '/nope' })).statusCode, 429);
});

test('maxPerMinute 0 turns the limit off', async (t) => {
  const app = await buildTestApp({ settings: { server: { rateLimit: { maxPerMinute: 0 } } } });
  t.after(() => app.close());
  for (let i = 0; i < 50; i++) {
    const res = await ping(app);
    assert.equal(res.statusCode, 200);
    assert.equal(res.headers['x-ratelimit-limit'], undefined);
  }
});
