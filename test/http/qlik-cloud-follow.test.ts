/**
 * Following Qlik Cloud reloads (issue 20) end to end: the service over HTTP, the real QRS
 * client over mutual TLS to the QRS simulator, the real Qlik Cloud client over HTTP to the Qlik
 * Cloud simulator, whose reloads run for a set time (or until a test ends them) and whose
 * reload-finished events are signed webhooks to the service. Waits, the status endpoint, the
 * poll budget, 429s while polling, webhooks (one instance and two over a real redis-server),
 * callbacks and Idempotency-Key. Every loop that waits has a deadline.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { test, type TestContext } from 'node:test';
import { createRedisReloadFinishedHub } from '../../src/reloadevents/index.js';
import type { RunningQlikCloudSimulator, SimCloudApp } from '../../src/simulator/qlik-cloud/index.js';
import type { WaitedExecutionEntry, WaitedStartTaskResponse } from '../../src/waiting/index.js';
import { startReceiver } from '../helpers/callback-receiver.js';
import { createCapturingLogger } from '../helpers/logger.js';
import { startRedis } from '../helpers/redis.js';
import { waitUntil } from '../helpers/wait.js';
import { CLOUD_API_KEY } from '../qlikcloud/harness.js';
import { call, startHarness, TASKS, type Harness, type HarnessOptions } from '../starttask/harness.js';

const { app1 } = TASKS;
const SALES = '5a1e0c3b-7f2d-4c61-9b8e-2d4f6a8c0001';
const BROKEN = '5a1e0c3b-7f2d-4c61-9b8e-2d4f6a8c0004';
const SECRET = 'qlik-webhook-secret-27c41d9e-0b5f93a6c4e1';
const RELOAD_READ = 'GET /api/v1/reloads/{reloadId}';

const byId = (taskId: string) => ({ type: 'starttaskid', payload: { taskId } });

function cloudOf(h: Harness): RunningQlikCloudSimulator {
  return h.cloud ?? assert.fail('the harness has Qlik Cloud on');
}

function entryOf(body: WaitedStartTaskResponse, backend: 'qlik-sense' | 'qlik-cloud'): WaitedExecutionEntry {
  return body.executions.find((entry) => entry.backend === backend) ?? assert.fail(`no ${backend} entry: ${JSON.stringify(body)}`);
}

/** Starts `taskId` with `query` and returns the answer's promise (a wait answers later). */
function start(h: Harness, taskId: string, query: string, headers: Record<string, string> = {}) {
  return call(h.base, `/v4/reloadtask/${taskId}/start${query}`, { body: [], headers });
}

/** The simulator sends its signed reload-finished events to `h`'s webhook. */
function eventsTo(cloud: RunningQlikCloudSimulator, h: Harness): void {
  cloud.hooks.webhookUrl = `${h.base}/v4/qlikcloud/webhook`;
  cloud.hooks.webhookSecret = SECRET;
}

/** The reload the n-th start created, once Qlik Cloud has it and the service has read it `reads` times. */
async function createdAndRead(cloud: RunningQlikCloudSimulator, reads = 1, n = 0): Promise<string> {
  await waitUntil(() => cloud.stats.reloadsCreated.length > n, 'the reload to be created');
  const reloadId = cloud.stats.reloadsCreated[n]?.reloadId ?? '';
  await waitUntil(() => cloud.stats.requests.filter((r) => r.endpoint === RELOAD_READ && r.path.endsWith(reloadId)).length >= reads, 'a status read');
  return reloadId;
}

test('wait=true on a Qlik Cloud reload answers once it SUCCEEDED, with its times and no log', async (t) => {
  const h = await startHarness(t, { cloud: { reloadMs: 1_200 } });
  const answer = await start(h, SALES, '?wait=true&timeoutSeconds=60');
  assert.equal(answer.status, 200, JSON.stringify(answer.body));
  const body = answer.body as WaitedStartTaskResponse;
  assert.deepEqual(body.wait, { outcome: 'finished', finished: true, timeoutSeconds: 60 });
  const entry = entryOf(body, 'qlik-cloud');
  const reload = cloudOf(h).reloads.all()[0] ?? assert.fail('one reload');
  assert.deepEqual(
    { reloadId: entry.reloadId, appId: entry.appId, status: entry.status, statusText: entry.statusText, durationMs: entry.durationMs },
    { reloadId: reload.id, appId: SALES, status: 'SUCCEEDED', statusText: 'Finished successfully', durationMs: 1_200 },
  );
  assert.ok(entry.startTime !== null && entry.stopTime !== null && entry.stopTime > entry.startTime);
  assert.equal(entry.statusReason, undefined);
  assert.equal(entry.scriptLogTail, undefined);
});

test('wait=true on a failing Qlik Cloud reload reports FAILED with the tail of its script log', async (t) => {
  const h = await startHarness(t, { cloud: { reloadMs: 600 } });
  const body = (await start(h, BROKEN, '?wait=true')).body as WaitedStartTaskResponse;
  const entry = entryOf(body, 'qlik-cloud');
  assert.equal(entry.status, 'FAILED');
  const tail = entry.scriptLogTail ?? assert.fail(`no log tail: ${JSON.stringify(entry)}`);
  assert.equal(tail.split('\n').length, 25, 'Butler.startTask.scriptLogTailLines lines');
  assert.ok(!tail.includes('\r'), 'CRLF lines come back as lines');
  assert.match(tail, /Execution Failed/);
  assert.equal(cloudOf(h).stats.requestCount({ endpoint: 'GET /api/v1/apps/{appId}/reloads/logs/{reloadId}' }), 1);
});

test('a mixed wait: one request waits for a QRS task and a Qlik Cloud reload together', async (t) => {
  const h = await startHarness(t, { cloud: { reloadMs: 1_500 } });
  h.sim.hooks.executionMs = 400;
  const answer = await call(h.base, `/v4/reloadtask/${app1.taskId}/start?wait=true&timeoutSeconds=60`, { body: [byId(SALES)] });
  const body = answer.body as WaitedStartTaskResponse;
  assert.deepEqual(body.wait, { outcome: 'finished', finished: true, timeoutSeconds: 60 });
  assert.equal(entryOf(body, 'qlik-sense').status, 'FinishedSuccess');
  assert.equal(entryOf(body, 'qlik-cloud').status, 'SUCCEEDED');
});

test('a Qlik Cloud-only site (QRS off) waits for its reloads too', async (t) => {
  const h = await startHarness(t, { qrs: false, cloud: { reloadMs: 300 } });
  const body = (await start(h, SALES, '?wait=true')).body as WaitedStartTaskResponse;
  assert.equal(entryOf(body, 'qlik-cloud').status, 'SUCCEEDED');
  assert.equal(h.sim.stats.requests.length, 0, 'QRS was asked nothing');
});

test('a wait that times out reports the last seen Qlik Cloud status and why', async (t) => {
  const h = await startHarness(t, { cloud: {} });
  const body = (await start(h, SALES, '?wait=true&timeoutSeconds=2')).body as WaitedStartTaskResponse;
  assert.deepEqual(body.wait, { outcome: 'timeout', finished: false, timeoutSeconds: 2 });
  const entry = entryOf(body, 'qlik-cloud');
  assert.ok(entry.status === 'QUEUED' || entry.status === 'RELOADING', String(entry.status));
  assert.match(entry.statusReason ?? '', /^not finished when the wait ended after 2 s \(last seen: (QUEUED|RELOADING)\)$/);
});

test('the status endpoint answers for both backends: QRS executions and Qlik Cloud reloads, running, failed, unknown', async (t) => {
  const h = await startHarness(t, { cloud: {} });
  const cloud = cloudOf(h);
  h.sim.hooks.executionMs = 0;
  const started = await call(h.base, `/v4/reloadtask/${app1.taskId}/start`, { body: [byId(SALES), byId(BROKEN)] });
  const { executions } = started.body as WaitedStartTaskResponse;
  const status = async (id: string) => call(h.base, `/v4/reloadtask/execution/${id}`, { method: 'GET' });

  const qrsId = executions.find((e) => e.backend === 'qlik-sense')?.executionSessionId ?? '';
  const qrs = await status(qrsId);
  assert.equal(qrs.status, 200);
  assert.deepEqual((qrs.body as { backend: string; status: string }).backend, 'qlik-sense');

  const salesReload = executions.find((e) => e.appId === SALES)?.reloadId ?? '';
  const running = await status(salesReload);
  assert.equal(running.status, 200, JSON.stringify(running.body));
  assert.deepEqual(
    { ...(running.body as Record<string, unknown>), startTime: undefined },
    {
      executionId: salesReload,
      taskId: SALES,
      taskName: 'Sales Dashboard',
      status: 'RELOADING',
      statusText: 'Reloading',
      startTime: undefined,
      stopTime: null,
      durationMs: null,
      backend: 'qlik-cloud',
      appId: SALES,
      reloadId: salesReload,
    },
  );

  const brokenReload = executions.find((e) => e.appId === BROKEN)?.reloadId ?? '';
  cloud.reloads.finish(brokenReload);
  const failed = (await status(brokenReload)).body as { status: string; scriptLogTail?: string };
  assert.equal(failed.status, 'FAILED');
  assert.match(failed.scriptLogTail ?? '', /Execution Failed\n.*Execution finished\.$/);

  // The script log unreadable: the reload's own log summary stands in.
  cloud.hooks.scriptLogFailsWith = 404;
  const fallback = (await status(brokenReload)).body as { scriptLogTail?: string };
  const asQlikCloudSays = await fetch(`${cloud.url}/api/v1/reloads/${brokenReload}`, { headers: { authorization: `Bearer ${CLOUD_API_KEY}` } });
  const summary = ((await asQlikCloudSays.json()) as { log?: string }).log ?? assert.fail('the reload has a log summary');
  assert.equal(fallback.scriptLogTail, summary.split(/\r?\n/).filter((line) => line !== '').slice(-25).join('\n'));
  assert.notEqual(fallback.scriptLogTail, failed.scriptLogTail);

  const unknownGuid = randomUUID();
  assert.deepEqual((await status(unknownGuid)).body, {
    statusCode: 404,
    error: 'Not Found',
    message: `No execution with ID ${unknownGuid} in QRS or Qlik Cloud`,
    code: 'ERR_EXECUTION_NOT_FOUND',
  });
  assert.equal((await status('65f1c2d3e4a5b6c7d8e9f0a1')).status, 404);
  for (const bad of ['a%20b', 'x'.repeat(65), '.hidden']) {
    const answer = await status(bad);
    assert.equal(answer.status, 400, bad);
    assert.match((answer.body as { message: string }).message, /^executionId must be a GUID \(a QRS execution session id\) or a Qlik Cloud reload id/);
  }
  cloud.hooks.failReadsWith = 503;
  assert.equal((await status(salesReload)).status, 502, 'Qlik Cloud failing is not a 404');
});

test('the poll budget: 200 waiting requests on 200 reloads poll at most half of maxRequestsPerMinute, evenly', async (t) => {
  const apps: SimCloudApp[] = Array.from({ length: 200 }, (_, i) => ({ id: randomUUID(), name: `Budget app ${i}`, tags: [] }));
  const maxRequestsPerMinute = 1_200;
  const h = await startHarness(t, { cloud: { apps, maxRequestsPerMinute, webhookSecret: SECRET } });
  const cloud = cloudOf(h);
  eventsTo(cloud, h);
  const answers = apps.map((app) => start(h, app.id, '?wait=true&timeoutSeconds=120'));
  await waitUntil(() => cloud.stats.reloadsCreated.length === apps.length, 'every reload created', { timeoutMs: 60_000 });
  // Polling goes on for a while with 200 reloads to read...
  const pollsSeen = cloud.stats.requestCount({ endpoint: RELOAD_READ });
  await waitUntil(() => cloud.stats.requestCount({ endpoint: RELOAD_READ }) >= pollsSeen + 40, '40 more polls', { timeoutMs: 30_000 });
  // ...then every reload ends, and its signed event ends its wait.
  for (const reload of cloud.reloads.all()) cloud.reloads.finish(reload.id);
  const bodies = (await Promise.all(answers)).map((answer) => answer.body as WaitedStartTaskResponse);
  assert.ok(bodies.every((body) => body.wait.finished && entryOf(body, 'qlik-cloud').status === 'SUCCEEDED'));

  const arrivals = cloud.stats.requests.map((r) => r.at);
  const polls = cloud.stats.requests.filter((r) => r.endpoint === RELOAD_READ).map((r) => r.at);
  const most = (times: number[], windowMs: number) =>
    Math.max(...times.map((from) => times.filter((at) => at >= from && at < from + windowMs).length));
  assert.ok(most(arrivals, 60_000) <= maxRequestsPerMinute, 'all requests of any minute within the budget');
  // Half the budget, one read every 100 ms: 50 in any 5 s, plus a few for arrivals bunched by a
  // busy machine (unpaced rounds of 200 reads would put hundreds there).
  const pollsIn5s = most(polls, 5_000);
  assert.ok(pollsIn5s <= 55, `${pollsIn5s} polls in 5 s`);
  assert.ok(polls.length >= 40, `${polls.length} polls in all`);
});

test('a 429 while polling waits Retry-After and is never an error of the waiting request', async (t) => {
  const h = await startHarness(t, { cloud: {} });
  const cloud = cloudOf(h);
  const answer = start(h, SALES, '?wait=true&timeoutSeconds=60');
  const reloadId = await createdAndRead(cloud);
  cloud.hooks.failReadsWith = 429;
  // The client waits each Retry-After (2 s without one) and tries again, up to 3 times; then
  // polling pauses too. Both are logged, neither reaches the waiting request.
  await waitUntil(() => h.logLines().some((line) => line.includes('polling pauses')), 'the poller pausing', { timeoutMs: 20_000 });
  cloud.hooks.failReadsWith = null;
  cloud.reloads.finish(reloadId);
  const body = (await answer).body as WaitedStartTaskResponse;
  assert.deepEqual(body.wait, { outcome: 'finished', finished: true, timeoutSeconds: 60 });
  const entry = entryOf(body, 'qlik-cloud');
  assert.equal(entry.status, 'SUCCEEDED');
  assert.equal(entry.statusReason, undefined);

  const reads = cloud.stats.requests.filter((r) => r.endpoint === RELOAD_READ);
  const limited = reads.filter((r) => r.status === 429);
  assert.ok(limited.length >= 4, `${limited.length} reads answered 429`);
  for (const refused of limited) {
    const next = reads.find((r) => r.at > refused.at);
    if (next) assert.ok(next.at - refused.at >= 1_900, `the read after a 429 came ${next.at - refused.at} ms later, before Retry-After`);
  }
});

test('a signed reload-finished event ends the wait (and sends the callback) at once, with polling blind', async (t) => {
  const receiver = await startReceiver<WaitedStartTaskResponse>(t);
  const h = await startHarness(t, {
    cloud: { webhookSecret: SECRET },
    settings: { startTask: { callback: { allowedUrlPrefixes: [`${receiver.base}/`] } } },
  });
  const cloud = cloudOf(h);
  eventsTo(cloud, h);
  const answer = start(h, SALES, `?wait=true&timeoutSeconds=60&callbackUrl=${encodeURIComponent(`${receiver.base}/done`)}`);
  const reloadId = await createdAndRead(cloud);
  // From now on polling cannot see the end: only the event can tell.
  cloud.hooks.failReadsWith = 503;
  cloud.reloads.finish(reloadId);
  const body = (await answer).body as WaitedStartTaskResponse;
  assert.deepEqual(body.wait, { outcome: 'finished', finished: true, timeoutSeconds: 60 });
  assert.equal(entryOf(body, 'qlik-cloud').status, 'SUCCEEDED');
  assert.deepEqual(cloud.stats.webhookDeliveries.map((d) => [d.reloadId, d.status]), [[reloadId, 200]]);
  const [delivered] = await receiver.got(1);
  assert.equal(entryOf(delivered?.body ?? assert.fail('no callback'), 'qlik-cloud').status, 'SUCCEEDED');
});

test('a wrongly signed event is refused (401) and changes nothing: the wait goes on to its timeout', async (t) => {
  const h = await startHarness(t, { cloud: { webhookSecret: SECRET } });
  const cloud = cloudOf(h);
  eventsTo(cloud, h);
  cloud.hooks.wronglySignedEvents = 1;
  const answer = start(h, SALES, '?wait=true&timeoutSeconds=3');
  const reloadId = await createdAndRead(cloud);
  cloud.hooks.failReadsWith = 503;
  cloud.reloads.finish(reloadId);
  await waitUntil(() => cloud.stats.webhookDeliveries.length === 1, 'the event delivery');
  assert.equal(cloud.stats.webhookDeliveries[0]?.status, 401);
  const body = (await answer).body as WaitedStartTaskResponse;
  assert.equal(body.wait.outcome, 'timeout');
  const entry = entryOf(body, 'qlik-cloud');
  assert.notEqual(entry.status, 'SUCCEEDED');
  assert.match(entry.statusReason ?? '', /^Qlik Cloud could not be asked since .*503/);
});

test('an event that reaches one instance ends the wait held by another, through a real redis-server', async (t) => {
  const redis = await startRedis();
  t.after(() => redis.stop());
  const hub = async () => {
    const events = await createRedisReloadFinishedHub({ url: redis.url, keyPrefix: 'stg-follow', logger: createCapturingLogger().logger });
    t.after(() => events.close());
    return events;
  };
  const waiting = await startHarness(t, { cloud: {}, reloadEvents: await hub() });
  const cloud = cloudOf(waiting);
  const options: HarnessOptions = { cloud: { simulator: cloud, webhookSecret: SECRET }, reloadEvents: await hub() };
  const receiving = await startHarness(t, options);
  eventsTo(cloud, receiving);
  const answer = start(waiting, SALES, '?wait=true&timeoutSeconds=60');
  const reloadId = await createdAndRead(cloud);
  cloud.hooks.failReadsWith = 503;
  cloud.reloads.finish(reloadId);
  const body = (await answer).body as WaitedStartTaskResponse;
  assert.deepEqual(body.wait, { outcome: 'finished', finished: true, timeoutSeconds: 60 });
  assert.equal(entryOf(body, 'qlik-cloud').status, 'SUCCEEDED');
  assert.deepEqual(cloud.stats.webhookDeliveries.map((d) => d.status), [200], 'the event went to the other instance');
});

test('callbacks report a mixed request once both the QRS task and the Qlik Cloud reload are final', async (t) => {
  const receiver = await startReceiver<WaitedStartTaskResponse>(t);
  const h = await startHarness(t, { cloud: { reloadMs: 800 }, settings: { startTask: { callback: { allowedUrlPrefixes: [`${receiver.base}/`] } } } });
  h.sim.hooks.executionMs = 200;
  const url = encodeURIComponent(`${receiver.base}/done`);
  const answer = await call(h.base, `/v4/reloadtask/${app1.taskId}/start?callbackUrl=${url}`, { body: [byId(SALES)] });
  assert.equal(answer.status, 200);
  const [delivered] = await receiver.got(1);
  const body = delivered?.body ?? assert.fail('no callback');
  assert.deepEqual(
    body.executions.map(({ backend, status }) => ({ backend, status })),
    [
      { backend: 'qlik-sense', status: 'FinishedSuccess' },
      { backend: 'qlik-cloud', status: 'SUCCEEDED' },
    ],
  );
  assert.equal(body.wait.finished, true);
});

test('Idempotency-Key: a repeat of a Qlik Cloud start reloads nothing and waits on the first reload', async (t) => {
  const h = await startHarness(t, { cloud: { reloadMs: 500 } });
  const cloud = cloudOf(h);
  const headers = { 'idempotency-key': `cloud-${randomUUID()}` };
  const first = await call(h.base, `/v4/reloadtask/${SALES}/start?wait=true`, { body: [], headers });
  const repeat = await call(h.base, `/v4/reloadtask/${SALES}/start?wait=true`, { body: [], headers });
  assert.equal(cloud.stats.reloadsCreated.length, 1, 'one reload for both');
  const [one, two] = [first.body, repeat.body] as WaitedStartTaskResponse[];
  assert.equal(entryOf(two as WaitedStartTaskResponse, 'qlik-cloud').reloadId, entryOf(one as WaitedStartTaskResponse, 'qlik-cloud').reloadId);
  assert.equal(entryOf(two as WaitedStartTaskResponse, 'qlik-cloud').status, 'SUCCEEDED');
});
