/**
 * Starting and reading reloads against the Qlik Cloud simulator over real HTTP: what a start
 * returns for each answer, that a lost answer is a typed error and never a second start, that
 * bad variables are refused before any call, paging back to a moment, and probe().
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { BadRequestError, RequestCancelledError } from '../../src/errors.js';
import {
  INVALID_APP_ID_REASON,
  QlikCloudResponseError,
  QlikCloudTimeoutError,
  QlikCloudUnavailableError,
  RELOAD_PENDING_REASON,
  RELOAD_QUOTA_REASON,
} from '../../src/qlikcloud/index.js';
import { createCapturingLogger } from '../helpers/logger.js';
import { waitUntil } from '../helpers/wait.js';
import { cloudClientFor, startCloudSimulator } from './harness.js';

const START = 'POST /api/v1/reloads';
const NO_VARIABLES = { partial: false, variables: {} };

async function setup(t: Parameters<typeof startCloudSimulator>[0], reloadMs = Number.POSITIVE_INFINITY) {
  const sim = await startCloudSimulator(t, { reloadMs });
  const { logger, lines } = createCapturingLogger('debug');
  const client = cloudClientFor(t, sim, { logger, settings: { timeoutMs: 1_000 } });
  const appId = sim.apps[0]?.id ?? assert.fail('the demo fixture has apps');
  const logged = () => lines().map((line) => JSON.parse(line) as { level: string; message: string; endpoint?: string; status?: number; errorCode?: string });
  return { sim, client, appId, logged };
}

test('a start is created with partial and variables, and read back by id', async (t) => {
  const { sim, client, appId } = await setup(t);
  const result = await client.startReload(appId, { partial: true, variables: { vRegion: 'Nord', 'v Ü': 'x'.repeat(256) } });
  assert.ok(result.started, JSON.stringify(result));
  assert.deepEqual(sim.stats.reloadsCreated.map(({ reloadId, appId: app, partial, variables }) => ({ reloadId, app, partial, variables })), [
    { reloadId: result.reloadId, app: appId, partial: true, variables: { vRegion: 'Nord', 'v Ü': 'x'.repeat(256) } },
  ]);
  const reload = await client.getReload(result.reloadId);
  assert.equal(reload?.id, result.reloadId);
  assert.equal(reload?.appId, appId);
  assert.equal(reload?.partial, true);
  assert.ok(reload?.status === 'QUEUED' || reload?.status === 'RELOADING', reload?.status);
  assert.ok(reload?.creationTime !== null && reload?.endTime === null);
  assert.ok(sim.reloads.finish(result.reloadId, 'FAILED'));
  const ended = await client.getReload(result.reloadId);
  assert.equal(ended?.status, 'FAILED');
  assert.ok(ended?.endTime !== null && typeof ended?.log === 'string');
});

test('refusals that started nothing are results with a reason, logged as warnings: pending (429 RELOADS-007, even with Retry-After), quota, unknown app', async (t) => {
  const { sim, client, appId, logged } = await setup(t);
  assert.ok((await client.startReload(appId, NO_VARIABLES)).started);
  sim.hooks.pendingRetryAfterSeconds = 1;
  assert.deepEqual(await client.startReload(appId, NO_VARIABLES), { started: false, reason: RELOAD_PENDING_REASON });
  assert.equal(sim.stats.requestCount({ endpoint: START }), 2, 'the pending 429 is not sent again');

  sim.hooks.quotaExceeded = true;
  const otherApp = sim.apps[1]?.id ?? '';
  assert.deepEqual(await client.startReload(otherApp, NO_VARIABLES), { started: false, reason: RELOAD_QUOTA_REASON });
  sim.hooks.quotaExceeded = false;
  assert.deepEqual(await client.startReload('5a1e0c3b-7f2d-4c61-9b8e-2d4f6a8cffff', NO_VARIABLES), {
    started: false,
    reason: 'Qlik Cloud refused the reload: 404 HTTP-404 Not Found',
  });
  assert.equal(sim.stats.reloadsCreated.length, 1);
  const warnings = logged().filter(({ level }) => level === 'warn');
  assert.deepEqual(
    warnings.map(({ endpoint, status, errorCode }) => ({ endpoint, status, errorCode })),
    [
      { endpoint: '/api/v1/reloads', status: 429, errorCode: 'RELOADS-007' },
      { endpoint: '/api/v1/reloads', status: 403, errorCode: 'RELOADS-013' },
      { endpoint: '/api/v1/reloads', status: 404, errorCode: 'HTTP-404' },
    ],
  );
});

test('bad variables and ids are refused before any call', async (t) => {
  const { sim, client, appId } = await setup(t);
  const tooMany = Object.fromEntries(Array.from({ length: 21 }, (_, n) => [`v${n}`, 'x']));
  const cases: [Record<string, string>, string][] = [
    [tooMany, 'variables must have at most 20 entries (got 21)'],
    [{ ['n'.repeat(257)]: 'x' }, 'variable names must be at most 256 characters (got 257)'],
    [{ vLong: '€'.repeat(257) }, 'variables.vLong must be at most 256 characters (got 257)'],
  ];
  for (const [variables, message] of cases) {
    await assert.rejects(client.startReload(appId, { partial: false, variables }), (error: unknown) => {
      assert.ok(error instanceof BadRequestError);
      assert.equal(error.message, message);
      return true;
    });
  }
  assert.deepEqual(await client.startReload('../apps', NO_VARIABLES), { started: false, reason: INVALID_APP_ID_REASON });
  assert.equal(await client.getReload('../../items'), undefined);
  assert.deepEqual(await client.getReloadsOfAppSince('a,b', new Date(0)), []);
  assert.equal(sim.stats.requestCount(), 0);
});

test('a start whose answer is lost throws a typed error and is never sent again: timeout, dropped connection, 5xx', async (t) => {
  const { sim, client, appId, logged } = await setup(t);
  sim.hooks.startAnswerDelayMs = 3_000;
  await assert.rejects(client.startReload(appId, NO_VARIABLES), (error: unknown) => {
    assert.ok(error instanceof QlikCloudTimeoutError, String(error));
    assert.deepEqual([error.statusCode, error.method, error.endpoint], [504, 'POST', '/api/v1/reloads']);
    return true;
  });
  sim.hooks.startAnswerDelayMs = 0;
  assert.equal(sim.stats.reloadsCreated.length, 1, 'the reload did start');
  sim.reloads.finish(sim.stats.reloadsCreated[0]?.reloadId ?? '');

  sim.hooks.dropAfterStart = true;
  await assert.rejects(client.startReload(appId, NO_VARIABLES), (error: unknown) => error instanceof QlikCloudUnavailableError && error.statusCode === 503);
  sim.hooks.dropAfterStart = false;
  sim.reloads.finish(sim.stats.reloadsCreated[1]?.reloadId ?? '');

  sim.hooks.failStartsWith = 503;
  await assert.rejects(client.startReload(appId, NO_VARIABLES), (error: unknown) => {
    assert.ok(error instanceof QlikCloudResponseError);
    assert.deepEqual([error.statusCode, error.status, error.errorCode], [502, 503, 'HTTP-503']);
    return true;
  });
  assert.equal(sim.stats.requestCount({ endpoint: START }), 3, 'each start sent once');
  assert.equal(sim.stats.reloadsCreated.length, 2);
  const errors = logged().filter(({ level }) => level === 'error');
  assert.deepEqual(
    errors.map(({ endpoint, status }) => ({ endpoint, status })),
    [
      { endpoint: '/api/v1/reloads', status: undefined },
      { endpoint: '/api/v1/reloads', status: undefined },
      { endpoint: '/api/v1/reloads', status: 503 },
    ],
  );
});

test('a request cancelled while its start is in flight lets the start finish; a GET in flight is abandoned', async (t) => {
  const { sim, client, appId } = await setup(t);
  sim.hooks.latencyMs = 300;
  const request = new AbortController();
  const start = client.startReload(appId, NO_VARIABLES, { signal: request.signal });
  await waitUntil(() => sim.stats.inFlight() === 1, 'the start is in flight');
  request.abort();
  const result = await start;
  assert.ok(result.started, 'its answer is still read: the reload started');

  sim.hooks.latencyMs = 10_000;
  const read = new AbortController();
  const reading = client.getReload(result.reloadId, { signal: read.signal });
  await waitUntil(() => sim.stats.inFlight() === 1, 'the read is in flight');
  read.abort();
  await assert.rejects(reading, RequestCancelledError);
  await assert.rejects(client.startReload(appId, NO_VARIABLES, { signal: read.signal }), RequestCancelledError);
  assert.equal(sim.stats.requestCount({ endpoint: START }), 1);
});

test('getReloadsOfAppSince: newest first, paging only as far back as `since`', async (t) => {
  const { sim, client, appId } = await setup(t, 0);
  const ids: string[] = [];
  for (let n = 0; n < 45; n += 1) {
    const result = await client.startReload(appId, NO_VARIABLES);
    assert.ok(result.started);
    ids.push(result.reloadId);
    // Creation times must differ for "since" to split them.
    await waitUntil(() => Date.now() > (sim.reloads.get(result.reloadId)?.creationTime ?? 0), 'the clock moves on');
  }
  const other = sim.apps[1]?.id ?? '';
  assert.ok((await client.startReload(other, NO_VARIABLES)).started);
  const since = new Date(sim.reloads.get(ids[40] ?? '')?.creationTime ?? 0);
  sim.stats.reset();

  const recent = await client.getReloadsOfAppSince(appId, since);
  assert.deepEqual(
    recent.map((reload) => reload.id),
    ids.slice(40).reverse(),
  );
  assert.equal(sim.stats.requestCount({ endpoint: 'GET /api/v1/reloads' }), 1, 'one page of 20 reaches back far enough');
  const all = await client.getReloadsOfAppSince(appId, new Date(0));
  assert.deepEqual(
    all.map((reload) => reload.id),
    [...ids].reverse(),
  );
  assert.equal(sim.stats.requestCount({ endpoint: 'GET /api/v1/reloads' }), 1 + 3, 'three pages of at most 20');
  assert.deepEqual(await client.getReloadsOfAppSince(appId, new Date(Date.now() + 60_000)), []);
});

test('getReload: unknown id is undefined; probe() proves address and credentials, with typed errors otherwise', async (t) => {
  const { sim, client } = await setup(t);
  assert.equal(await client.getReload('0123456789abcdef01234567'), undefined);
  await client.probe();

  const wrongKey = cloudClientFor(t, sim, { settings: { credentials: { kind: 'apiKey', apiKey: 'not-the-key' } } });
  const before = sim.stats.requestCount();
  await assert.rejects(wrongKey.probe(), (error: unknown) => {
    assert.ok(error instanceof QlikCloudResponseError);
    assert.equal(error.status, 401);
    assert.match(error.message, /the tenant refused our credentials/);
    return true;
  });
  assert.equal(sim.stats.requestCount() - before, 1, 'a wrong API key is not sent again');

  sim.hooks.failReadsWith = 500;
  await assert.rejects(client.probe(), (error: unknown) => error instanceof QlikCloudResponseError && error.status === 500);

  const gone = await startCloudSimulator(t);
  await gone.close();
  const nobody = cloudClientFor(t, gone);
  await assert.rejects(nobody.probe(), (error: unknown) => error instanceof QlikCloudUnavailableError && /ECONNREFUSED/.test(error.message));
});

test('close() ends every wait and call; later calls fail with "client is closed"', async (t) => {
  const { sim, client, appId } = await setup(t);
  sim.hooks.latencyMs = 10_000;
  const reading = client.getReload('0123456789abcdef01234567');
  await waitUntil(() => sim.stats.inFlight() === 1, 'the read is in flight');
  await client.close();
  await assert.rejects(reading, (error: unknown) => error instanceof QlikCloudUnavailableError && /client is closed/.test(error.message));
  await assert.rejects(client.startReload(appId, NO_VARIABLES), /client is closed/);
});

test('readScriptLog: the whole log as Qlik Cloud sends it (CRLF lines); a log that cannot be read is a typed error', async (t) => {
  const { sim, client, appId } = await setup(t);
  sim.hooks.scriptLogLines = 5;
  const result = await client.startReload(appId, NO_VARIABLES);
  assert.ok(result.started);
  assert.ok(sim.reloads.finish(result.reloadId, 'FAILED'));
  const log = await client.readScriptLog(appId, result.reloadId);
  const lines = log.split('\r\n').filter((line) => line !== '');
  assert.ok(lines.length >= 5, log);
  assert.match(log, /Execution Failed/);
  assert.equal(sim.stats.requestCount({ endpoint: 'GET /api/v1/apps/{appId}/reloads/logs/{reloadId}' }), 1);

  const otherApp = sim.apps[1]?.id ?? '';
  await assert.rejects(client.readScriptLog(otherApp, result.reloadId), (error: unknown) => error instanceof QlikCloudResponseError && error.status === 404);
  sim.hooks.scriptLogFailsWith = 500;
  await assert.rejects(client.readScriptLog(appId, result.reloadId), (error: unknown) => error instanceof QlikCloudResponseError && error.status === 500);
  await assert.rejects(client.readScriptLog('../apps', result.reloadId), /not a Qlik Cloud app or reload id/);
  assert.equal(sim.stats.requestCount({ endpoint: 'GET /api/v1/apps/{appId}/reloads/logs/{reloadId}' }), 3, 'a bad id is never sent');
});
