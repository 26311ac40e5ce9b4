/**
 * ?wait=true end to end: real HTTP to the app, the real QRS client over mutual TLS to the
 * simulator, whose reloads run for hooks.executionMs and end FinishedSuccess or (for
 * hooks.failingReloadIds) FinishedFail. Every loop that waits has a deadline.
 */
import assert from 'node:assert/strict';
import { Agent } from 'node:http';
import { test } from 'node:test';
import type { RunningSimulator } from '../../src/simulator/index.js';
import type { WaitedStartTaskResponse } from '../../src/waiting/index.js';
import { requestFrom } from '../helpers/http-from.js';
import { manualClock } from '../helpers/simulator.js';
import { waitUntil } from '../helpers/wait.js';
import { call, idsOf, startedIds, startHarness, TASKS, type Answer } from '../starttask/harness.js';

const { app1, app2, app3 } = TASKS;
const START_BOTH = `/v4/reloadtask/${app1.taskId}/start`;
const BODY = [{ type: 'starttaskid', payload: { taskId: app2.taskId } }];
const DOCUMENTED_KEYS = ['tasksId', 'tasksTag', 'tasksTagDenied', 'tasksCP', 'tasksCPDenied', 'tasksFailed', 'tasksUnconfirmed', 'executions', 'wait'];

function executionReads(sim: RunningSimulator) {
  return sim.stats.requests.filter((r) => r.path.toLowerCase().startsWith('/qrs/executionresult'));
}

/** Resolves once the service has polled QRS for execution states `count` times in all. */
async function polled(sim: RunningSimulator, count: number): Promise<void> {
  const deadline = Date.now() + 20_000;
  while (executionReads(sim).length < count) {
    assert.ok(Date.now() < deadline, `the service did not poll execution states ${count} times within 20 s`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** Resolves once the service polled `count` times in all; fails if the wait answered first. */
async function stillWaiting(sim: RunningSimulator, count: number, answer: Promise<Answer>): Promise<void> {
  const early = answer.then((a) => assert.fail(`the wait ended early: ${JSON.stringify(a.body)}`));
  await Promise.race([polled(sim, count), early]);
}

function byTask(answer: WaitedStartTaskResponse, taskId: string) {
  const entry = answer.executions.find((e) => e.taskId === taskId);
  assert.ok(entry, `no execution entry for ${taskId}`);
  return entry;
}

test('wait=true answers once every reload finished, with final states; the documented keys are unchanged', async (t) => {
  const h = await startHarness(t);
  h.sim.hooks.executionMs = 1200;
  const answer = await call(h.base, `${START_BOTH}?wait=true&timeoutSeconds=60`, { body: BODY });
  assert.equal(answer.status, 200, JSON.stringify(answer.body));
  const body = answer.body as WaitedStartTaskResponse;
  assert.deepEqual(Object.keys(body), DOCUMENTED_KEYS);
  assert.deepEqual(body.tasksId.started, [app1, app2]);
  assert.deepEqual(body.wait, { outcome: 'finished', finished: true, timeoutSeconds: 60 });
  for (const task of [app1, app2]) {
    const entry = byTask(body, task.taskId);
    assert.equal(entry.status, 'FinishedSuccess');
    assert.equal(entry.statusText, 'Finished successfully');
    assert.ok(entry.startTime && entry.stopTime && entry.stopTime >= entry.startTime, JSON.stringify(entry));
    assert.equal(typeof entry.durationMs, 'number');
    assert.equal(entry.statusReason, undefined);
  }
});

test('wait=true with a failing reload reports FinishedFail for it and success for the other', async (t) => {
  const h = await startHarness(t);
  h.sim.hooks.executionMs = 800;
  h.sim.hooks.failingReloadIds.add(app2.taskId);
  const answer = await call(h.base, `${START_BOTH}?wait=true`, { body: BODY });
  const body = answer.body as WaitedStartTaskResponse;
  assert.equal(answer.status, 200);
  assert.equal(byTask(body, app1.taskId).status, 'FinishedSuccess');
  assert.equal(byTask(body, app2.taskId).status, 'FinishedFail');
  assert.equal(byTask(body, app2.taskId).statusText, 'Failed');
  // Why it failed: the tail of its script log (the simulator's log ends with the failure).
  const tail = byTask(body, app2.taskId).scriptLogTail ?? '';
  assert.equal(tail.split('\n').length, 25, tail);
  assert.match(tail, /fail/i);
  assert.equal(byTask(body, app1.taskId).scriptLogTail, undefined, 'a successful reload carries no log');
  assert.equal(body.wait.outcome, 'finished');
  assert.equal(body.wait.timeoutSeconds, 3600, 'the default timeout is Butler.startTask.maxWaitSeconds');
});

test('wait=true goes on through Retry, DistributionQueue and DistributionRunning, and reports the retry\'s result', async (t) => {
  const clock = manualClock();
  const startedAt = clock.now();
  const h = await startHarness(t, { clock });
  // Run: 400 ms, Retry; 200 ms later the retry: 400 ms, 100 ms DistributionQueue, 100 ms DistributionRunning.
  h.sim.hooks.executionMs = 400;
  h.sim.hooks.retryDelayMs = 200;
  h.sim.hooks.distributionMs = 100;
  h.sim.hooks.retryingReloadIds.add(app1.taskId);
  const answer = call(h.base, `/v4/reloadtask/${app1.taskId}/start?wait=true&timeoutSeconds=60`);
  await waitUntil(() => h.sim.stats.starts.length === 1, 'the start');
  // To Retry, DistributionQueue, DistributionRunning: each seen by one poll (the first comes
  // 0.5 s after the start) before the clock moves on.
  for (const [step, stepMs] of [400, 600, 100].entries()) {
    clock.advance(stepMs);
    await stillWaiting(h.sim, step + 1, answer);
  }
  clock.advance(100);
  const body = (await answer).body as WaitedStartTaskResponse;
  assert.deepEqual(body.wait, { outcome: 'finished', finished: true, timeoutSeconds: 60 });
  const entry = byTask(body, app1.taskId);
  assert.equal(entry.status, 'FinishedSuccess');
  assert.deepEqual(
    [entry.startTime, entry.stopTime, entry.durationMs],
    [new Date(startedAt + 600).toISOString(), new Date(startedAt + 1200).toISOString(), 600],
  );
});

test('wait=true on a retry timed like its Retry result ends with the retry\'s final state', async (t) => {
  const h = await startHarness(t);
  h.sim.hooks.executionMs = 0;
  h.sim.hooks.retryingReloadIds.add(app1.taskId);
  h.sim.hooks.failingReloadIds.add(app1.taskId);
  const answer = await call(h.base, `/v4/reloadtask/${app1.taskId}/start?wait=true&timeoutSeconds=5`);
  const body = answer.body as WaitedStartTaskResponse;
  assert.equal(body.wait.outcome, 'finished', JSON.stringify(body));
  const entry = byTask(body, app1.taskId);
  assert.equal(entry.status, 'FinishedFail');
  assert.match(entry.scriptLogTail ?? '', /Execution Failed/);
});

test('a wait that times out is a 200 with the last seen state and why; the timeout is capped', async (t) => {
  const h = await startHarness(t, { settings: { startTask: { maxWaitSeconds: 1 } } });
  h.sim.hooks.executionMs = 120_000;
  const answer = await call(h.base, `/v4/reloadtask/${app1.taskId}/start?wait=true&timeoutSeconds=100`);
  assert.equal(answer.status, 200);
  const body = answer.body as WaitedStartTaskResponse;
  assert.deepEqual(body.wait, { outcome: 'timeout', finished: false, timeoutSeconds: 1 });
  const entry = byTask(body, app1.taskId);
  assert.ok(entry.status === 'Started' || entry.status === 'Triggered' || entry.status === null, String(entry.status));
  assert.equal(entry.stopTime, null);
  assert.equal(entry.durationMs, null);
  assert.match(entry.statusReason ?? '', /not finished when the wait ended after 1 s/);
});

test('QRS failing while polling: the wait reports the last seen state with the reason, and the service goes on', async (t) => {
  const h = await startHarness(t);
  h.sim.hooks.executionMs = 120_000;
  h.sim.hooks.failExecutionReadsWith = 503;
  const answer = await call(h.base, `/v4/reloadtask/${app1.taskId}/start?wait=true&timeoutSeconds=2`);
  assert.equal(answer.status, 200);
  const body = answer.body as WaitedStartTaskResponse;
  assert.equal(body.wait.outcome, 'timeout');
  const entry = byTask(body, app1.taskId);
  assert.equal(entry.status, null);
  assert.match(entry.statusReason ?? '', /QRS could not be asked since .*503/);
  assert.ok(executionReads(h.sim).every((r) => r.status === 503));
  assert.equal(h.logLines().filter((line) => line.includes('Execution status polling failed')).length, 1);

  // QRS back: the next wait works.
  h.sim.hooks.failExecutionReadsWith = null;
  h.sim.hooks.executionMs = 300;
  const next = await call(h.base, `/v4/reloadtask/${app2.taskId}/start?wait=true&timeoutSeconds=60`);
  assert.equal((next.body as WaitedStartTaskResponse).wait.outcome, 'finished');
});

test('waiting requests share the poller: one QRS call per round asks for all their executions', async (t) => {
  const h = await startHarness(t);
  h.sim.hooks.executionMs = 2500;
  const [a, b] = await Promise.all([
    call(h.base, `/v4/reloadtask/${app1.taskId}/start?wait=true&timeoutSeconds=60`),
    call(h.base, `/v4/reloadtask/${app2.taskId}/start?wait=true&timeoutSeconds=60`),
  ]);
  const ids = [a, b].map((answer) => (answer.body as WaitedStartTaskResponse).executions[0]?.executionSessionId ?? '');
  for (const answer of [a, b]) assert.equal((answer.body as WaitedStartTaskResponse).wait.outcome, 'finished');
  const queries = executionReads(h.sim).map((r) => decodeURIComponent(r.query).toLowerCase());
  assert.ok(
    queries.some((query) => ids.every((id) => query.includes(id.toLowerCase())) && / or /.test(query)),
    `no poll asked for both executions at once: ${JSON.stringify(queries)}`,
  );
});

test('a caller that disconnects stops its own wait only', async (t) => {
  const h = await startHarness(t);
  h.sim.hooks.executionMs = 120_000;
  const leaving = new AbortController();
  const left = fetch(`${h.base}/v4/reloadtask/${app1.taskId}/start?wait=true&timeoutSeconds=600`, {
    method: 'PUT',
    signal: leaving.signal,
  }).catch((error: unknown) => error);
  const staying = call(h.base, `/v4/reloadtask/${app2.taskId}/start?wait=true&timeoutSeconds=8`);
  await polled(h.sim, 1);
  leaving.abort();
  await left;

  // Rounds after the disconnect ask only for app2's execution.
  await polled(h.sim, executionReads(h.sim).length + 2);
  const sessionOf = (taskId: string) =>
    h
      .logLines()
      .map((line) => JSON.parse(line) as { taskId?: string; executionSessionId?: string })
      .find((line) => line.taskId === taskId && line.executionSessionId)?.executionSessionId ?? 'not logged';
  const lastQuery = decodeURIComponent(executionReads(h.sim).at(-1)?.query ?? '');
  assert.ok(!lastQuery.includes(sessionOf(app1.taskId)), "the poller still asks for the departed caller's execution");
  assert.ok(lastQuery.includes(sessionOf(app2.taskId)), lastQuery);
  // The other caller's wait was not ended by it: it runs to its own timeout.
  const kept = (await staying).body as WaitedStartTaskResponse;
  assert.equal(kept.wait.outcome, 'timeout');
});

test('a short request timeout (Butler.restServerConfig.requestTimeoutMs) does not cut a waiting request short', async (t) => {
  const h = await startHarness(t, { settings: { server: { requestTimeoutMs: 300 } } });
  h.sim.hooks.executionMs = 2000;
  const answer = await call(h.base, `/v4/reloadtask/${app1.taskId}/start?wait=true&timeoutSeconds=60`, { body: [] });
  assert.equal(answer.status, 200, JSON.stringify(answer.body));
  const body = answer.body as WaitedStartTaskResponse;
  assert.equal(body.wait.outcome, 'finished');
  assert.equal(byTask(body, app1.taskId).status, 'FinishedSuccess');
});

test('timeoutSeconds without wait or callbackUrl, and bad values, are refused before anything starts', async (t) => {
  const h = await startHarness(t);
  for (const query of ['timeoutSeconds=5', 'wait=true&timeoutSeconds=0', 'wait=true&timeoutSeconds=abc', 'wait=maybe']) {
    const answer = await call(h.base, `/v4/reloadtask/${app1.taskId}/start?${query}`);
    assert.equal(answer.status, 400, query);
    assert.match(String((answer.body as { message: string }).message), /timeoutSeconds|wait/, query);
  }
  assert.equal(h.sim.stats.requestCount(), 0);
});

test('shutting down answers waiting requests at once with their last seen state (outcome "stopped")', async (t) => {
  const h = await startHarness(t);
  h.sim.hooks.executionMs = 120_000;
  const waiting = call(h.base, `/v4/reloadtask/${app1.taskId}/start?wait=true&timeoutSeconds=600`);
  // A second round is only sent once the first answer was taken in: a state has been seen.
  await polled(h.sim, 2);
  await h.app.close();
  const answer = await waiting;
  assert.equal(answer.status, 200);
  const body = answer.body as WaitedStartTaskResponse;
  assert.equal(body.wait.outcome, 'stopped');
  assert.match(byTask(body, app1.taskId).statusReason ?? '', /the service stopped before it finished \(last seen: (Triggered|Started)\)/);
});

test('beyond Butler.startTask.maxWaitingRequests a wait=true request gets 503 with Retry-After and starts nothing; /health, /ready and plain starts still answer', async (t) => {
  // Two waiters and one connection to spare: waiters must never hold every connection.
  const h = await startHarness(t, { settings: { startTask: { maxWaitingRequests: 2 }, server: { maxConnections: 3 } } });
  h.sim.hooks.executionMs = 120_000;
  // Everything but the waiters goes over one connection, one request after the other.
  const spare = new Agent({ keepAlive: true, maxSockets: 1 });
  t.after(() => spare.destroy());
  const send = (path: string, opts: { method?: string; headers?: Record<string, string> } = {}) =>
    requestFrom('127.0.0.1', `${h.base}${path}`, { method: 'PUT', ...opts, agent: spare });
  const keyed = { headers: { 'idempotency-key': 'nightly-run-1' } };
  const waitAWhile = `/v4/reloadtask/${app3.taskId}/start?wait=true&timeoutSeconds=1`;
  assert.equal((await send(waitAWhile, keyed)).status, 200);

  const waiters = [app1, app2].map(() => new AbortController());
  t.after(() => waiters.forEach((waiter) => waiter.abort()));
  const waiting = [app1, app2].map((task, i) =>
    fetch(`${h.base}/v4/reloadtask/${task.taskId}/start?wait=true&timeoutSeconds=600`, { method: 'PUT', signal: waiters[i]!.signal }).catch(
      (error: unknown) => error,
    ),
  );
  await waitUntil(() => h.sim.stats.starts.length === 3, 'both waiters to start their reloads');
  const qrsCallsOtherThanPolls = () => h.sim.stats.requests.filter((r) => !r.path.toLowerCase().startsWith('/qrs/executionresult')).length;
  const before = qrsCallsOtherThanPolls();

  const refused = await send(waitAWhile);
  assert.equal(refused.status, 503, refused.text);
  assert.equal(refused.headers['retry-after'], '30');
  assert.equal(refused.json().code, 'ERR_TOO_MANY_WAITING_REQUESTS');
  assert.match(refused.json().message, /^2 requests are already waiting .*\(Butler\.startTask\.maxWaitingRequests\); nothing was started/);
  assert.equal(qrsCallsOtherThanPolls(), before, 'the refused request asked QRS nothing');
  assert.deepEqual(startedIds(h.sim), idsOf(app1, app2, app3));

  assert.equal((await send('/health', { method: 'GET' })).status, 200);
  assert.equal((await send('/ready', { method: 'GET' })).status, 200);
  assert.equal((await send(`/v4/reloadtask/${app3.taskId}/start`)).status, 200, 'a start that does not wait');
  // An Idempotency-Key repeat of a waiting request waits on its executions again, so it
  // holds a connection like any waiter and is counted.
  const refusedRepeat = await send(waitAWhile, keyed);
  assert.equal(refusedRepeat.status, 503, 'a waiting repeat is counted too');
  assert.deepEqual(startedIds(h.sim), idsOf(app1, app2, app3, app3));

  // A waiter that leaves frees its place.
  waiters[0]!.abort();
  await waiting[0];
  let repeat = await send(waitAWhile, keyed);
  await waitUntil(async () => {
    if (repeat.status === 503) repeat = await send(waitAWhile, keyed);
    return repeat.status !== 503;
  }, 'a waiting repeat to be admitted after a waiter left');
  assert.equal(repeat.status, 200, repeat.text);
  assert.equal(repeat.headers['idempotent-replayed'], 'true');
  assert.deepEqual(startedIds(h.sim), idsOf(app1, app2, app3, app3), 'the repeat started nothing');
  assert.equal((await send(waitAWhile)).status, 200, 'a new wait=true request is admitted');
});
