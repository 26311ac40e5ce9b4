import assert from 'node:assert/strict';
import { test } from 'node:test';
import { QrsResponseError, QrsTimeoutError, QrsUnavailableError } from '../../src/qrs/index.js';
import { manualClock, startTestSimulator, type TestSimulator } from '../helpers/simulator.js';
import { clientFor } from './qrs-test-client.js';

const APP1 = 'e3b27f50-b1c0-4879-88fc-c7cdd9c1cf3e';
const APP2 = '7552d9fc-d1bb-4975-9a38-18357de531ea';
const APP3 = 'fb0f317d-da91-4b86-aafa-0174ae1e8c8f';
const UNKNOWN = '11111111-2222-4333-8444-555555555555';

async function simulatorFor(t: { after(fn: () => Promise<void>): void }): Promise<TestSimulator> {
  const simulator = await startTestSimulator();
  t.after(() => simulator.close());
  return simulator;
}

async function startedSession(qrs: ReturnType<typeof clientFor>, taskId: string): Promise<string> {
  const started = await qrs.startTask(taskId);
  assert.ok(started.started, 'start confirmed');
  return started.executionSessionId;
}

test('getExecutionSessions reads running sessions in chunks with one `or` filter each', async (t) => {
  const simulator = await simulatorFor(t);
  simulator.sim.hooks.executionMs = 10 * 60 * 1000;
  const qrs = clientFor(t, simulator, { maxIdsPerLookup: 2 });
  const ids = [await startedSession(qrs, APP1), await startedSession(qrs, APP2), await startedSession(qrs, APP3)];
  simulator.sim.stats.reset();

  const sessions = await qrs.getExecutionSessions([...ids.map((id) => id.toUpperCase()), UNKNOWN, 'not-a-guid']);
  assert.deepEqual([...sessions.keys()].sort(), [...ids].sort());
  assert.equal(sessions.get(ids[0] as string)?.taskId, APP1);
  assert.ok([1, 2].includes(sessions.get(ids[1] as string)?.status ?? -1));
  // 4 GUIDs in chunks of 2: two calls, each with an `or` filter.
  const calls = simulator.sim.stats.requests.filter((r) => r.path === '/qrs/executionsession/full');
  assert.equal(calls.length, 2);
  for (const call of calls) assert.match(decodeURIComponent(call.query), /id eq [0-9a-f-]+ or id eq /);
});

test('getExecutionResults reads final results, running ones, and leaves unknown ids out', async (t) => {
  const simulator = await simulatorFor(t);
  simulator.sim.hooks.failingReloadIds.add(APP2);
  const qrs = clientFor(t, simulator);
  const ok = await startedSession(qrs, APP1);
  const failed = await startedSession(qrs, APP2);
  simulator.sim.hooks.executionMs = 10 * 60 * 1000;
  const runningId = await startedSession(qrs, APP3);

  const results = await qrs.getExecutionResults([ok, failed, runningId, UNKNOWN]);
  assert.equal(results.size, 3);
  const success = results.get(ok);
  assert.equal(success?.status, 7);
  assert.equal(success?.taskId, APP1);
  assert.equal(success?.executionId, ok);
  assert.ok(success?.startTime !== null && success?.stopTime !== null);
  assert.ok(success?.fileReferenceId);
  assert.equal(results.get(failed)?.status, 8);
  const stillRunning = results.get(runningId);
  assert.equal(stillRunning?.stopTime, null, 'QRS "never" reads as null');
  assert.equal(stillRunning?.fileReferenceId, null, 'the empty GUID reads as null');
  assert.deepEqual(await qrs.getExecutionResults([]), new Map());
});

/** A simulator on a set clock where APP1's reload runs 400 ms, ends Retry, and is retried 200 ms later. */
async function retryingApp1(t: { after(fn: () => Promise<void>): void }) {
  const clock = manualClock();
  const simulator = await startTestSimulator({ clock });
  t.after(() => simulator.close());
  simulator.sim.hooks.executionMs = 400;
  simulator.sim.hooks.retryDelayMs = 200;
  simulator.sim.hooks.retryingReloadIds.add(APP1);
  return { clock, qrs: clientFor(t, simulator) };
}

test('getExecutionResults: of a retried execution, the Retry result until the retry starts, then the retry\'s', async (t) => {
  const { clock, qrs } = await retryingApp1(t);
  const id = await startedSession(qrs, APP1);

  clock.advance(400);
  const retry = (await qrs.getExecutionResults([id])).get(id);
  assert.equal(retry?.status, 10);
  clock.advance(200);
  const again = (await qrs.getExecutionResults([id])).get(id);
  assert.equal(again?.status, 1, 'the retry, Triggered');
  assert.notEqual(again?.id, retry?.id);
  assert.ok((again?.createdTime ?? '') > (retry?.createdTime ?? ''), 'createdDate is read');
  clock.advance(400);
  const done = (await qrs.getExecutionResults([id])).get(id);
  assert.deepEqual([done?.id, done?.status], [again?.id, 7]);
});

test('getFirstStartTimes: a retried execution began when its first run did, not its retry', async (t) => {
  const { clock, qrs } = await retryingApp1(t);
  const began = new Date(clock.now()).toISOString();
  const id = await startedSession(qrs, APP1);

  clock.advance(600); // the retry has begun: the session has two results
  const latest = (await qrs.getExecutionResults([id])).get(id);
  assert.ok((latest?.startTime ?? '') > began, 'the latest result is the retry');
  assert.equal((await qrs.getFirstStartTimes([id])).get(id), began);
});

test('getExecutionResultsOfTaskSince finds a start made after the given time only', async (t) => {
  // A set clock: on the wall clock both starts may fall in the millisecond of `since`.
  const clock = manualClock();
  const simulator = await startTestSimulator({ clock });
  t.after(() => simulator.close());
  const qrs = clientFor(t, simulator);
  const earlier = await startedSession(qrs, APP1);
  clock.advance(1000);
  const since = new Date(clock.now());
  const later = await startedSession(qrs, APP1);
  const found = await qrs.getExecutionResultsOfTaskSince(APP1, since);
  assert.ok(found.some((r) => r.executionId === later));
  assert.ok(!found.some((r) => r.executionId === earlier));
  assert.deepEqual(await qrs.getExecutionResultsOfTaskSince(APP2, since), []);
});

test('getRunningSessionsOfTask lists the running sessions of one task, one not begun yet included', async (t) => {
  const simulator = await simulatorFor(t);
  const qrs = clientFor(t, simulator);
  await startedSession(qrs, APP1); // finished at once: no session any more
  simulator.sim.hooks.runDelayMs = 10 * 60 * 1000;
  const queued = await startedSession(qrs, APP1);
  await startedSession(qrs, APP2);
  simulator.sim.stats.reset();

  const sessions = await qrs.getRunningSessionsOfTask(APP1.toUpperCase());
  assert.deepEqual(sessions.map((session) => session.id), [queued]);
  const [call] = simulator.sim.stats.requests;
  assert.equal(call?.path, '/qrs/executionsession/full');
  assert.match(decodeURIComponent(call?.query ?? ''), new RegExp(`reloadTask\\.id eq ${APP1}`, 'i'));
  assert.deepEqual(await qrs.getRunningSessionsOfTask(APP3), []);
  assert.deepEqual(await qrs.getRunningSessionsOfTask('not-a-guid'), []);
});

test('getFirstStartTimes: when each execution began, null while it has not', async (t) => {
  const simulator = await simulatorFor(t);
  const qrs = clientFor(t, simulator);
  const before = new Date().toISOString();
  const begun = await startedSession(qrs, APP1);
  simulator.sim.hooks.runDelayMs = 10 * 60 * 1000;
  const queued = await startedSession(qrs, APP2);

  const first = await qrs.getFirstStartTimes([begun, queued.toUpperCase(), UNKNOWN]);
  assert.deepEqual([...first.keys()].sort(), [begun, queued].sort());
  assert.ok((first.get(begun) ?? '') >= before, `began ${first.get(begun)}`);
  assert.equal(first.get(queued), null, 'QRS\'s "not yet" (1753-01-01) reads as null');
});

test('execution reads that QRS fails are QrsErrors', async (t) => {
  const simulator = await simulatorFor(t);
  const qrs = clientFor(t, simulator);
  const id = await startedSession(qrs, APP1);
  simulator.sim.hooks.failExecutionReadsWith = 503;
  await assert.rejects(qrs.getExecutionResults([id]), QrsResponseError);
  await assert.rejects(qrs.getExecutionSessions([id]), QrsResponseError);
});

test('fault: a start answer delayed past the timeout; the task started at once', async (t) => {
  const simulator = await simulatorFor(t);
  simulator.sim.hooks.startAnswerDelayMs = 60_000;
  const qrs = clientFor(t, simulator, { timeoutMs: 300 });
  await assert.rejects(qrs.startTask(APP1), QrsTimeoutError);
  assert.deepEqual(simulator.sim.stats.starts, [APP1]);
});

test('fault: an unanswered start starts nothing and the client times out; the next start is answered', async (t) => {
  const simulator = await simulatorFor(t);
  simulator.sim.hooks.unansweredStarts = 1;
  const qrs = clientFor(t, simulator, { timeoutMs: 300 });
  await assert.rejects(qrs.startTask(APP1), QrsTimeoutError);
  assert.deepEqual(simulator.sim.stats.starts, []);
  assert.deepEqual(await qrs.getExecutionResultsOfTaskSince(APP1, new Date(0)), []);
  await startedSession(qrs, APP1);
  assert.deepEqual(simulator.sim.stats.starts, [APP1]);
});

test('fault: the connection drops right after a start; the task started', async (t) => {
  const simulator = await simulatorFor(t);
  simulator.sim.hooks.dropAfterStart = true;
  const qrs = clientFor(t, simulator);
  await assert.rejects(qrs.startTask(APP1), QrsUnavailableError);
  assert.deepEqual(simulator.sim.stats.starts, [APP1]);
  // Only starts lose their answer: reads still work.
  assert.equal((await qrs.getExecutionResultsOfTaskSince(APP1, new Date(0))).length, 1);
});

test('execution reads cut their `or` filters so that no URL is longer than maxUrlLength', async (t) => {
  const simulator = await simulatorFor(t);
  const qrs = clientFor(t, simulator, { maxUrlLength: 700, maxIdsPerLookup: 100 });
  const ids = [await startedSession(qrs, APP1), await startedSession(qrs, APP2), await startedSession(qrs, APP3)];
  const unknown = Array.from({ length: 12 }, (_, i) => `11111111-2222-4333-8444-${String(i).padStart(12, '0')}`);
  simulator.sim.stats.reset();
  const results = await qrs.getExecutionResults([...ids, ...unknown]);
  assert.deepEqual([...results.keys()].sort(), [...ids].sort());
  const calls = simulator.sim.stats.requests.filter((r) => r.path === '/qrs/executionresult/full');
  assert.ok(calls.length >= 2, `${calls.length} calls`);
  for (const call of calls) {
    const url = `https://127.0.0.1:${simulator.sim.port}${call.path}?${call.query}`;
    assert.ok(url.length <= 700, `URL of ${url.length} characters`);
  }
});
