/**
 * GET /v4/reloadtask/execution/{executionId} end to end: the service over HTTP, the real QRS
 * client, the simulator's execution model (sessions while running, results after, script
 * logs in both QRS variants, the empty-GUID reference moment).
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { EXECUTION_STATUS_NAMES } from '../../src/qrs/index.js';
import { manualClock } from '../helpers/simulator.js';
import { assertStartAnswer, call, startHarness, TASKS, type Harness } from '../starttask/harness.js';

const { app1 } = TASKS;
const STARTED = { tasksId: { started: [app1], invalid: [], denied: [] }, tasksTag: [], tasksTagDenied: [], tasksCP: [], tasksCPDenied: [] };

interface Status {
  executionId: string;
  taskId: string;
  taskName: string | null;
  status: string;
  statusText: string;
  startTime: string | null;
  stopTime: string | null;
  durationMs: number | null;
  scriptLogTail?: string;
  scriptLogTailUnavailable?: string;
}

async function startApp1(h: Harness): Promise<string> {
  const answer = await call(h.base, `/v4/reloadtask/${app1.taskId}/start`, { body: [] });
  const body = assertStartAnswer(answer, STARTED, { started: [app1] });
  const id = body.executions[0]?.executionSessionId;
  assert.ok(id);
  return id;
}

async function statusOf(h: Harness, executionId: string): Promise<Status> {
  const answer = await call(h.base, `/v4/reloadtask/execution/${executionId}`, { method: 'GET' });
  assert.equal(answer.status, 200, JSON.stringify(answer.body));
  const body = answer.body as Status;
  assert.deepEqual(
    Object.keys(body).slice(0, 8),
    ['executionId', 'taskId', 'taskName', 'status', 'statusText', 'startTime', 'stopTime', 'durationMs'],
  );
  return body;
}

/** A time as Qlik's script log stamps it: 20240514T083000.123+0000. */
const logStamp = (epochMs: number): string => new Date(epochMs).toISOString().replace(/[-:]/g, '').replace('Z', '+0000');

const scriptLogCalls = (h: Harness, kind: 'scriptlogfile' | 'scriptlog' | 'download') =>
  h.sim.stats.requests.filter((r) =>
    kind === 'download' ? r.path.startsWith('/qrs/download/reloadtask/') : r.path.toLowerCase().endsWith(`/${kind}`),
  );

test('a running reload: its session state, no stop time, no duration, no script log', async (t) => {
  const h = await startHarness(t);
  h.sim.hooks.executionMs = 10 * 60 * 1000;
  const id = await startApp1(h);
  const status = await statusOf(h, id);
  assert.equal(status.executionId, id);
  assert.equal(status.taskId, app1.taskId);
  assert.equal(status.taskName, app1.taskName);
  assert.ok(['Triggered', 'Started'].includes(status.status), status.status);
  assert.match(status.statusText, /^(Triggered, about to start|Running)$/);
  assert.ok(status.startTime !== null && !Number.isNaN(Date.parse(status.startTime)));
  assert.equal(status.stopTime, null);
  assert.equal(status.durationMs, null);
  assert.equal(status.scriptLogTail, undefined);
  assert.ok(h.sim.stats.requests.some((r) => r.path === '/qrs/executionsession/full'), 'the session was read');
});

test('a finished reload: its result (the session is gone), no script log for a success', async (t) => {
  const h = await startHarness(t);
  h.sim.hooks.executionMs = 0;
  const id = await startApp1(h);
  const status = await statusOf(h, id);
  assert.equal(status.status, 'FinishedSuccess');
  assert.equal(status.statusText, 'Finished successfully');
  assert.ok(status.stopTime !== null && status.startTime !== null && status.stopTime >= status.startTime);
  assert.equal(status.durationMs, 0);
  assert.equal(status.scriptLogTail, undefined);
  assert.equal(status.scriptLogTailUnavailable, undefined);
  assert.equal(scriptLogCalls(h, 'download').length, 0);
});

test('a failed reload carries the last 25 script log lines (newer QRS: scriptlogfile?executionResultId=)', async (t) => {
  const h = await startHarness(t);
  h.sim.hooks.failingReloadIds.add(app1.taskId);
  h.sim.hooks.scriptLogApi = 'scriptlogfile';
  const status = await statusOf(h, await startApp1(h));
  assert.equal(status.status, 'FinishedFail');
  assert.equal(status.statusText, 'Failed');
  const lines = status.scriptLogTail?.split('\n') ?? [];
  assert.equal(lines.length, 25, status.scriptLogTail);
  assert.match(lines.at(-1) ?? '', /Execution finished\.$/);
  assert.match(lines.at(-2) ?? '', /Execution Failed$/);
  assert.ok(lines.every((line) => !line.includes('\r')), 'CRLF endings removed');
  assert.equal(scriptLogCalls(h, 'scriptlogfile').length, 1);
  assert.match(decodeURIComponent(scriptLogCalls(h, 'scriptlogfile')[0]?.query ?? ''), /executionResultId=[0-9a-f-]{36}/);
  assert.equal(scriptLogCalls(h, 'download').length, 1);
});

test('older QRS: the log comes through scriptlog?fileReferenceId= after the newer API answers 404', async (t) => {
  const h = await startHarness(t);
  h.sim.hooks.failingReloadIds.add(app1.taskId);
  h.sim.hooks.scriptLogApi = 'scriptlog';
  const first = await statusOf(h, await startApp1(h));
  assert.equal(first.scriptLogTail?.split('\n').length, 25);
  assert.equal(scriptLogCalls(h, 'scriptlogfile').length, 1, 'the newer API was tried once');
  assert.equal(scriptLogCalls(h, 'scriptlog').length, 1);
  assert.match(decodeURIComponent(scriptLogCalls(h, 'scriptlog')[0]?.query ?? ''), /fileReferenceId=[0-9a-f-]{36}/);
  // The client remembers which API this QRS has: the next log goes straight to it.
  const second = await statusOf(h, await startApp1(h));
  assert.ok(second.scriptLogTail);
  assert.equal(scriptLogCalls(h, 'scriptlogfile').length, 1);
  assert.equal(scriptLogCalls(h, 'scriptlog').length, 2);
});

test('the empty-GUID reference just after the end is retried until QRS has the log', async (t) => {
  let asks = 0;
  const h = await startHarness(t, {
    // QRS has the log ready from the second ask on, whatever the machine's speed.
    wrapQrs: (qrs, sim) => ({
      ...qrs,
      getScriptLogReference: async (source) => {
        const reference = await qrs.getScriptLogReference(source);
        asks += 1;
        sim.hooks.emptyReferenceMs = 0;
        return reference;
      },
    }),
  });
  h.sim.hooks.failingReloadIds.add(app1.taskId);
  h.sim.hooks.emptyReferenceMs = 60 * 60 * 1000;
  const status = await statusOf(h, await startApp1(h));
  assert.equal(status.scriptLogTail?.split('\n').length, 25, JSON.stringify(status));
  assert.equal(asks, 2, 'asked again after the empty GUID');
  assert.equal(scriptLogCalls(h, 'download').length, 1);
});

test('a reference that stays the empty GUID: no scriptLogTail, a reason, still 200', async (t) => {
  const h = await startHarness(t);
  h.sim.hooks.failingReloadIds.add(app1.taskId);
  h.sim.hooks.emptyReferenceMs = 60 * 60 * 1000;
  const status = await statusOf(h, await startApp1(h));
  assert.equal(status.status, 'FinishedFail');
  assert.equal(status.scriptLogTail, undefined);
  assert.match(status.scriptLogTailUnavailable ?? '', /empty file reference/);
  assert.equal(scriptLogCalls(h, 'scriptlogfile').length, 5, 'one ask and four retries');
});

test('a log QRS fails to serve leaves the field out with the reason; the status still answers', async (t) => {
  const h = await startHarness(t, {
    wrapQrs: (qrs, sim) => ({
      ...qrs,
      getScriptLogReference: (source) => {
        sim.hooks.dropConnections = true;
        return qrs.getScriptLogReference(source);
      },
    }),
  });
  h.sim.hooks.failingReloadIds.add(app1.taskId);
  const id = await startApp1(h);
  const answer = await call(h.base, `/v4/reloadtask/execution/${id}`, { method: 'GET' });
  assert.equal(answer.status, 200);
  const status = answer.body as Status;
  assert.equal(status.status, 'FinishedFail');
  assert.equal(status.scriptLogTail, undefined);
  assert.match(status.scriptLogTailUnavailable ?? '', /^Script log could not be read: QRS GET \/qrs\/reloadtask\/.*\/scriptlogfile failed/);
});

test('a huge log: only the tail comes back', async (t) => {
  const h = await startHarness(t, { settings: { startTask: { scriptLogTailLines: 3 } } });
  h.sim.hooks.failingReloadIds.add(app1.taskId);
  h.sim.hooks.scriptLogLines = 50_000;
  const status = await statusOf(h, await startApp1(h));
  const lines = status.scriptLogTail?.split('\n') ?? [];
  assert.equal(lines.length, 3, JSON.stringify(status));
  assert.match(lines[0] ?? '', /Error: Field 'Amount' not found/);
});

test('scriptLogTailLines 0: no log is fetched', async (t) => {
  const h = await startHarness(t, { settings: { startTask: { scriptLogTailLines: 0 } } });
  h.sim.hooks.failingReloadIds.add(app1.taskId);
  const status = await statusOf(h, await startApp1(h));
  assert.equal(status.status, 'FinishedFail');
  assert.equal(status.scriptLogTail, undefined);
  assert.equal(status.scriptLogTailUnavailable, undefined);
  assert.equal(scriptLogCalls(h, 'scriptlogfile').length + scriptLogCalls(h, 'scriptlog').length, 0);
});

test('unknown execution: 404 in the usual error shape; malformed: 400', async (t) => {
  const h = await startHarness(t);
  const unknown = await call(h.base, '/v4/reloadtask/execution/11111111-2222-4333-8444-555555555555', { method: 'GET' });
  assert.equal(unknown.status, 404);
  assert.deepEqual(unknown.body, {
    statusCode: 404,
    error: 'Not Found',
    message: 'No execution with ID 11111111-2222-4333-8444-555555555555 in QRS',
    code: 'ERR_EXECUTION_NOT_FOUND',
  });
  for (const bad of ['abc', '11111111-2222-4333-8444-55555555555', "'%20or%201", '-']) {
    const answer = await call(h.base, `/v4/reloadtask/execution/${bad}`, { method: 'GET' });
    assert.equal(answer.status, 400, bad);
    const body = answer.body as { code?: string; message?: string };
    assert.equal(body.code, 'ERR_BAD_REQUEST');
    assert.match(body.message ?? '', /executionId must be a GUID/);
  }
  assert.equal(h.sim.stats.requestCount({ pathPrefix: '/qrs/execution' }), 2, 'only the unknown GUID reached QRS (session + result)');
});

test('QRS failing during the status read is a 502, not a 404', async (t) => {
  const h = await startHarness(t);
  const id = await startApp1(h);
  h.sim.hooks.failExecutionReadsWith = 503;
  const answer = await call(h.base, `/v4/reloadtask/execution/${id}`, { method: 'GET' });
  assert.equal(answer.status, 502);
  assert.equal((answer.body as { code?: string }).code, 'ERR_QRS_RESPONSE');
});

test('the status names are QRS\'s', () => {
  assert.deepEqual(EXECUTION_STATUS_NAMES.slice(1), [
    'Triggered', 'Started', 'Queued', 'AbortInitiated', 'Aborting', 'Aborted', 'FinishedSuccess',
    'FinishedFail', 'Skipped', 'Retry', 'Error', 'Reset', 'DistributionQueue', 'DistributionRunning',
  ]);
});

test('distribution: DistributionQueue and DistributionRunning by name, not final, then the final state', async (t) => {
  const clock = manualClock();
  const h = await startHarness(t, { clock });
  h.sim.hooks.executionMs = 400;
  h.sim.hooks.distributionMs = 100;
  const id = await startApp1(h);
  clock.advance(400);
  const queued = await statusOf(h, id);
  assert.equal(queued.status, 'DistributionQueue');
  assert.equal(queued.statusText, 'Reloaded, queued for distribution');
  assert.deepEqual([queued.stopTime, queued.durationMs], [null, null], 'not final');
  clock.advance(100);
  const distributing = await statusOf(h, id);
  assert.equal(distributing.status, 'DistributionRunning');
  assert.equal(distributing.statusText, 'Reloaded, being distributed');
  assert.equal(distributing.stopTime, null);
  clock.advance(100);
  const done = await statusOf(h, id);
  assert.equal(done.status, 'FinishedSuccess');
  assert.equal(done.durationMs, 600);
});

test('a retried reload: Retry until the retry runs, then the retry\'s result decides, with its own log', async (t) => {
  const clock = manualClock();
  const startedAt = clock.now();
  const h = await startHarness(t, { clock });
  h.sim.hooks.executionMs = 400;
  h.sim.hooks.retryDelayMs = 200;
  h.sim.hooks.retryingReloadIds.add(app1.taskId);
  h.sim.hooks.failingReloadIds.add(app1.taskId);
  const id = await startApp1(h);

  clock.advance(400);
  const retrying = await statusOf(h, id);
  assert.equal(retrying.status, 'Retry');
  assert.equal(retrying.statusText, 'Failed, waiting to be retried');
  assert.deepEqual([retrying.stopTime, retrying.durationMs], [null, null], 'Retry is not final');
  assert.equal(retrying.scriptLogTail, undefined, 'no log before the end');

  clock.advance(200);
  const again = await statusOf(h, id);
  assert.equal(again.status, 'Triggered');
  assert.equal(again.startTime, new Date(startedAt + 600).toISOString(), "the retry's start");

  clock.advance(400);
  const failed = await statusOf(h, id);
  assert.equal(failed.status, 'FinishedFail');
  assert.deepEqual(
    [failed.startTime, failed.stopTime, failed.durationMs],
    [new Date(startedAt + 600).toISOString(), new Date(startedAt + 1000).toISOString(), 400],
  );
  const lines = failed.scriptLogTail?.split('\n') ?? [];
  assert.equal(lines.length, 25, JSON.stringify(failed));
  assert.ok(lines.at(-1)?.startsWith(logStamp(startedAt + 1000)), `the retry's log, not the first run's: ${lines.at(-1)}`);
});

test('a retry QRS timed like its Retry result (same start, same creation): the Retry result never decides', async (t) => {
  const h = await startHarness(t);
  h.sim.hooks.executionMs = 0;
  h.sim.hooks.retryingReloadIds.add(app1.taskId);
  const status = await statusOf(h, await startApp1(h));
  assert.equal(status.status, 'FinishedSuccess', JSON.stringify(status));
});

test('a download reference that is not a GUID: any URL-safe value works, encoded in the download path', async (t) => {
  const h = await startHarness(t);
  h.sim.hooks.failingReloadIds.add(app1.taskId);
  h.sim.hooks.downloadReference = () => 'Log~Ref_7.a-Z';
  const status = await statusOf(h, await startApp1(h));
  assert.equal(status.scriptLogTail?.split('\n').length, 25, JSON.stringify(status));
  assert.deepEqual(scriptLogCalls(h, 'download').map((r) => r.path), [
    `/qrs/download/reloadtask/Log~Ref_7.a-Z/${encodeURIComponent(`${app1.taskName}.log`)}`,
  ]);
});

test('a download reference that is not URL-safe is refused with the reason; nothing is downloaded', async (t) => {
  const h = await startHarness(t);
  h.sim.hooks.failingReloadIds.add(app1.taskId);
  for (const reference of ['logs/../../secret', 'a b', '..', '', 'x'.repeat(300)]) {
    h.sim.hooks.downloadReference = () => reference;
    const status = await statusOf(h, await startApp1(h));
    assert.equal(status.status, 'FinishedFail');
    assert.equal(status.scriptLogTail, undefined, reference);
    assert.match(status.scriptLogTailUnavailable ?? '', /reference .*not .*URL-safe/, reference);
  }
  assert.equal(scriptLogCalls(h, 'download').length, 0);
});
