/**
 * Rate limits against the Qlik Cloud simulator, on a virtual clock (minutes of waiting take no
 * real time): maxRequestsPerMinute slows callers down instead of failing them; a rate-limit
 * 429 holds every call for its Retry-After and is sent again within a bound; the "reload
 * already pending" 429 never is.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { MAX_RATE_LIMIT_RETRIES } from '../../src/qlikcloud/calls.js';
import { QlikCloudResponseError, RELOAD_PENDING_REASON } from '../../src/qlikcloud/index.js';
import { createVirtualClock } from '../helpers/virtual-clock.js';
import { cloudClientFor, startCloudSimulator } from './harness.js';

const START = 'POST /api/v1/reloads';
const READ = 'GET /api/v1/reloads/{reloadId}';
const UNKNOWN_RELOAD = '0123456789abcdef01234567';
const NO_VARIABLES = { partial: false, variables: {} };

test('maxRequestsPerMinute: ten concurrent callers at 4 a minute all succeed, spread over three minutes', async (t) => {
  const sim = await startCloudSimulator(t);
  const clock = createVirtualClock({ autoAdvance: true });
  const client = cloudClientFor(t, sim, { clock, settings: { maxRequestsPerMinute: 4 } });
  const results = await Promise.all(Array.from({ length: 10 }, () => client.getReload(UNKNOWN_RELOAD)));
  assert.deepEqual(results, Array.from({ length: 10 }, () => undefined));
  assert.equal(sim.stats.requestCount({ endpoint: READ }), 10);
  assert.equal(clock.now(), 120_000, 'the last two waited two minutes');
  assert.deepEqual(clock.sleeps, [60_000, 60_000]);
});

test('the token request counts too: 2 a minute with OAuth is one token and one read in the first minute', async (t) => {
  const sim = await startCloudSimulator(t);
  const clock = createVirtualClock({ autoAdvance: true });
  const client = cloudClientFor(t, sim, { clock, auth: 'oauth', settings: { maxRequestsPerMinute: 2 } });
  await Promise.all([client.getReload(UNKNOWN_RELOAD), client.getReload(UNKNOWN_RELOAD)]);
  assert.equal(sim.stats.tokenGrants, 1);
  assert.equal(clock.now(), 60_000);
});

test('a rate-limited start waits Retry-After and is sent again; nothing was started twice', async (t) => {
  const sim = await startCloudSimulator(t, { reloadMs: Number.POSITIVE_INFINITY });
  const clock = createVirtualClock({ autoAdvance: true });
  const client = cloudClientFor(t, sim, { clock });
  sim.hooks.rateLimitNextStarts = 2;
  sim.hooks.retryAfterSeconds = 7;
  const result = await client.startReload(sim.apps[0]?.id ?? '', NO_VARIABLES);
  assert.ok(result.started);
  assert.deepEqual(clock.sleeps, [7_000, 7_000]);
  assert.equal(sim.stats.requestCount({ endpoint: START }), 3);
  assert.equal(sim.stats.reloadsCreated.length, 1);
});

test('a rate-limited read waits Retry-After, holding back every call, and is sent again', async (t) => {
  const sim = await startCloudSimulator(t);
  sim.hooks.readsPerMinute = 1;
  // The simulator's window is real time: the fault ends the moment the client starts waiting it out.
  const clock = createVirtualClock({ autoAdvance: true, onSleep: () => (sim.hooks.readsPerMinute = null) });
  const client = cloudClientFor(t, sim, { clock });
  await client.getReload(UNKNOWN_RELOAD);
  assert.equal(await client.getReload(UNKNOWN_RELOAD), undefined);
  assert.deepEqual(
    sim.stats.requests.map((request) => request.status),
    [404, 429, 404],
  );
  assert.equal(clock.sleeps.length, 1);
  assert.ok((clock.sleeps[0] ?? 0) >= 55_000, `waited ${clock.sleeps[0]} ms, the simulator's Retry-After`);
});

test(`the bound: at most ${MAX_RATE_LIMIT_RETRIES} retries, and no retry when Retry-After is longer than a minute; then 502`, async (t) => {
  const sim = await startCloudSimulator(t, { reloadMs: Number.POSITIVE_INFINITY });
  const clock = createVirtualClock({ autoAdvance: true });
  const client = cloudClientFor(t, sim, { clock });
  const appId = sim.apps[0]?.id ?? '';
  sim.hooks.rateLimitNextStarts = 10;
  sim.hooks.retryAfterSeconds = 1;
  await assert.rejects(client.startReload(appId, NO_VARIABLES), (error: unknown) => {
    assert.ok(error instanceof QlikCloudResponseError, String(error));
    assert.deepEqual([error.statusCode, error.status, error.errorCode], [502, 429, 'HTTP-429']);
    assert.match(error.message, /rate limited, given up after 3 retries and 3 s of waiting/);
    assert.equal(error.retryAfterSeconds, 1, 'the wait Qlik Cloud asked for, for callers that try later');
    return true;
  });
  assert.equal(sim.stats.requestCount({ endpoint: START }), 1 + MAX_RATE_LIMIT_RETRIES);

  sim.stats.reset();
  sim.hooks.rateLimitNextStarts = 1;
  sim.hooks.retryAfterSeconds = 61;
  await assert.rejects(
    client.startReload(appId, NO_VARIABLES),
    (error: unknown) => error instanceof QlikCloudResponseError && /given up after 0 retries/.test(error.message) && error.retryAfterSeconds === 61,
  );
  assert.equal(sim.stats.requestCount({ endpoint: START }), 1);
  assert.equal(sim.stats.reloadsCreated.length, 0);
  const sleptBefore = clock.sleeps.length;
  assert.ok((await client.startReload(appId, NO_VARIABLES)).started, 'the next call waits the 61 s out first');
  assert.deepEqual(clock.sleeps.slice(sleptBefore), [61_000]);
});

test('"a reload is already pending" is a 429 too, told apart by its code: not retried, even with a Retry-After', async (t) => {
  const sim = await startCloudSimulator(t, { reloadMs: Number.POSITIVE_INFINITY });
  const clock = createVirtualClock({ autoAdvance: true });
  const client = cloudClientFor(t, sim, { clock });
  const appId = sim.apps[0]?.id ?? '';
  assert.ok((await client.startReload(appId, NO_VARIABLES)).started);
  sim.hooks.pendingRetryAfterSeconds = 5;
  assert.deepEqual(await client.startReload(appId, NO_VARIABLES), { started: false, reason: RELOAD_PENDING_REASON });
  assert.equal(sim.stats.requestCount({ endpoint: START }), 2);
  assert.deepEqual(clock.sleeps, [], 'and it holds nothing back');
});
