/**
 * /ready over real HTTP, against the QRS simulator over mutual TLS: 200 while QRS answers,
 * 503 while it fails, the cached answer within readinessCacheMs (QRS asked once), and never
 * rate-limited (no rate-limit headers, never 429) while the limit holds for other routes.
 */
import assert from 'node:assert/strict';
import { test, type TestContext } from 'node:test';
import winston from 'winston';
import { createQrsClient } from '../../src/qrs/index.js';
import { AUTH_ON, KEYS } from '../helpers/api-keys.js';
import { buildTestApp, listen, testSettings } from '../helpers/app.js';
import { qrsSettingsOf, startTestSimulator, type TestSimulator } from '../helpers/simulator.js';

/** `qrs` (the reason, naming QRS's address) is only for admin callers: these tests ask as admin. */
interface Readiness {
  ready: boolean;
  checkedAt: string;
  qrs: { ready: boolean; detail: string; checkedAt: string };
}

const AS_ADMIN = { 'x-api-key': KEYS.admin };

const LIMIT = 2;

async function serve(t: TestContext, simulator: TestSimulator, readinessCacheMs: number): Promise<string> {
  const settings = testSettings({
    server: { rateLimit: { maxPerMinute: LIMIT }, auth: AUTH_ON },
    qrs: { ...qrsSettingsOf(simulator), readinessCacheMs, retries: 0 },
  });
  const qrs = createQrsClient(settings.qrs, { logger: winston.createLogger({ silent: true }) });
  t.after(() => qrs.close());
  const app = await buildTestApp({ settings, qrs });
  t.after(() => app.close());
  return listen(app);
}

async function ready(base: string, headers: Record<string, string> = AS_ADMIN): Promise<{ status: number; headers: Headers; body: Readiness }> {
  const response = await fetch(`${base}/ready`, { headers });
  return { status: response.status, headers: response.headers, body: (await response.json()) as Readiness };
}

function assertNoRateLimitHeaders(headers: Headers): void {
  for (const name of ['x-ratelimit-limit', 'x-ratelimit-remaining', 'x-ratelimit-reset', 'retry-after']) {
    assert.equal(headers.get(name), null, `/ready carries ${name}`);
  }
}

test('200 while QRS answers, 503 naming the failure while it fails, 200 again once it is back', async (t) => {
  const simulator = await startTestSimulator();
  t.after(() => simulator.close());
  const base = await serve(t, simulator, 0);

  const up = await ready(base);
  assert.equal(up.status, 200);
  assert.equal(up.body.ready, true);
  assert.equal(up.body.qrs.ready, true);
  assert.match(up.body.qrs.detail, /^QRS .+ answered$/);
  assert.equal(up.body.checkedAt, up.body.qrs.checkedAt);
  assertNoRateLimitHeaders(up.headers);

  simulator.sim.hooks.failAllWith = 500;
  const down = await ready(base);
  assert.equal(down.status, 503);
  assert.equal(down.body.ready, false);
  assert.equal(down.body.qrs.ready, false);
  assert.match(down.body.qrs.detail, /QRS/);
  assert.match(down.body.qrs.detail, /500/);
  assertNoRateLimitHeaders(down.headers);

  simulator.sim.hooks.failAllWith = null;
  assert.equal((await ready(base)).status, 200);
  assert.equal(simulator.sim.stats.requestCount({ pathPrefix: '/qrs/about' }), 3, 'cache 0: every /ready asks QRS');
});

test('within readinessCacheMs the cached answer is given and QRS is not asked again', async (t) => {
  const simulator = await startTestSimulator();
  t.after(() => simulator.close());
  // Far longer than the test: the cache cannot expire in between, however slow the machine.
  const base = await serve(t, simulator, 10 * 60_000);

  const first = await ready(base);
  assert.equal(first.status, 200);
  simulator.sim.hooks.failAllWith = 500;
  for (let i = 0; i < 3; i++) {
    const cached = await ready(base);
    assert.equal(cached.status, 200, 'the cached answer, although QRS now fails');
    assert.deepEqual(cached.body, first.body, 'the same probe result, same checkedAt');
  }
  assert.equal(simulator.sim.stats.requestCount({ pathPrefix: '/qrs/about' }), 1, 'QRS asked once');
});

test('/ready is never rate-limited, while the limit holds for other routes', async (t) => {
  const simulator = await startTestSimulator();
  t.after(() => simulator.close());
  const base = await serve(t, simulator, 0);

  // Anonymous, like a load balancer's probe: counted per address, as the pings below.
  for (let i = 0; i < LIMIT * 3; i++) {
    const answer = await ready(base, {});
    assert.equal(answer.status, 200, `/ready call ${i + 1}`);
    assertNoRateLimitHeaders(answer.headers);
  }
  const statuses: number[] = [];
  for (let i = 0; i <= LIMIT; i++) {
    const ping = await fetch(`${base}/v4/butlerping`);
    await ping.text();
    assert.equal(ping.headers.get('x-ratelimit-limit'), String(LIMIT), 'the limit is on');
    statuses.push(ping.status);
  }
  assert.deepEqual(statuses, [...Array<number>(LIMIT).fill(200), 429]);
  const afterLimit = await ready(base, {});
  assert.equal(afterLimit.status, 200, '/ready answers although this address is over its limit');
  assertNoRateLimitHeaders(afterLimit.headers);
});
