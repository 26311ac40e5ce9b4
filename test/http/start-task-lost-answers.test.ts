/**
 * Lost start answers (issue 11 §1), end to end: the service over HTTP, the real QRS client,
 * the simulator's two faults (answer delayed past qrs.timeoutMs, connection dropped right
 * after the start). A task QRS started is reported started with its execution session; one
 * QRS cannot vouch for is unconfirmed, never failed; nothing is ever started twice.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { assertStartAnswer, call, startHarness, TASKS } from '../starttask/harness.js';

const { app1 } = TASKS;
const STARTED_BY_ID = { tasksId: { started: [app1], invalid: [], denied: [] }, tasksTag: [], tasksTagDenied: [], tasksCP: [], tasksCPDenied: [] };
const NOTHING = { tasksId: { started: [], invalid: [], denied: [] }, tasksTag: [], tasksTagDenied: [], tasksCP: [], tasksCPDenied: [] };

function startRequests(h: Awaited<ReturnType<typeof startHarness>>): number {
  return h.sim.stats.requests.filter((r) => r.method === 'POST' && r.path.endsWith('/start/synchronous')).length;
}

test('start answer later than qrs.timeoutMs: reported started with its execution session, started once', async (t) => {
  const h = await startHarness(t, { settings: { qrs: { timeoutMs: 300 } } });
  h.sim.hooks.startAnswerDelayMs = 60_000;
  const answer = await call(h.base, `/v4/reloadtask/${app1.taskId}/start`, { body: [] });
  const body = assertStartAnswer(answer, STARTED_BY_ID, { started: [app1] });
  assert.deepEqual(h.sim.stats.starts, [app1.taskId]);
  assert.equal(startRequests(h), 1, 'never retried');
  // The reported session is the one QRS created for this start.
  const sessionId = body.executions[0]?.executionSessionId;
  const check = h.sim.stats.requests.find((r) => r.path === '/qrs/executionresult/full');
  assert.ok(check, 'QRS was asked whether the task started');
  assert.match(decodeURIComponent(check.query), new RegExp(`taskID eq ${app1.taskId}`));
  assert.ok(sessionId);
  const status = await call(h.base, `/v4/reloadtask/execution/${sessionId}`, { method: 'GET' });
  assert.equal(status.status, 200, JSON.stringify(status.body));
  assert.equal((status.body as { taskId: string }).taskId, app1.taskId, 'QRS knows the reported session as this task\'s');
});

test('connection dropped right after the start: reported started, started once', async (t) => {
  const h = await startHarness(t);
  h.sim.hooks.dropAfterStart = true;
  const answer = await call(h.base, `/v4/reloadtask/${app1.taskId}/start`, { body: [] });
  assertStartAnswer(answer, STARTED_BY_ID, { started: [app1] });
  assert.deepEqual(h.sim.stats.starts, [app1.taskId]);
  assert.equal(startRequests(h), 1, 'never retried');
});

test('connection dropped after the start and QRS cannot tell: tasksUnconfirmed, not tasksFailed', async (t) => {
  const h = await startHarness(t);
  h.sim.hooks.dropAfterStart = true;
  h.sim.hooks.failExecutionReadsWith = 503;
  const answer = await call(h.base, `/v4/reloadtask/${app1.taskId}/start`, { body: [] });
  assertStartAnswer(answer, NOTHING, {
    started: [],
    unconfirmed: [{ ...app1, reason: /^QRS POST .*start\/synchronous failed: .*; QRS could not be asked whether it started: .*503/ }],
  });
  assert.deepEqual(h.sim.stats.starts, [app1.taskId], 'it did start: that is why it must not be in tasksFailed');
  assert.equal(startRequests(h), 1, 'never retried');
  assert.ok(
    h.logLines().some((line) => line.includes('may or may not have started')),
    'the unconfirmed start is logged',
  );
});

test('start answer delayed and QRS cannot tell: tasksUnconfirmed', async (t) => {
  const h = await startHarness(t, { settings: { qrs: { timeoutMs: 300 } } });
  h.sim.hooks.startAnswerDelayMs = 60_000;
  h.sim.hooks.failExecutionReadsWith = 500;
  const answer = await call(h.base, `/v4/reloadtask/${app1.taskId}/start`, { body: [] });
  assertStartAnswer(answer, NOTHING, {
    started: [],
    unconfirmed: [{ ...app1, reason: /no answer within 300 ms; QRS could not be asked whether it started/ }],
  });
  assert.equal(startRequests(h), 1, 'never retried');
});

test('connection lost before QRS started anything: unconfirmed (it may still start), never failed', async (t) => {
  const h = await startHarness(t, {
    // Drop exactly the start's connection; the question afterwards gets through.
    wrapQrs: (qrs, sim) => ({
      ...qrs,
      startTask: async (id) => {
        sim.hooks.dropConnections = true;
        try {
          return await qrs.startTask(id);
        } finally {
          sim.hooks.dropConnections = false;
        }
      },
    }),
  });
  const answer = await call(h.base, `/v4/reloadtask/${app1.taskId}/start`, { body: [] });
  assertStartAnswer(answer, NOTHING, {
    started: [],
    unconfirmed: [{ ...app1, reason: /; QRS shows no execution of the task since the request yet, it may still start$/ }],
  });
  assert.deepEqual(h.sim.stats.starts, []);
});

test('a 5xx with no execution since the request is a certain failure: tasksFailed', async (t) => {
  const h = await startHarness(t);
  h.sim.hooks.failingStartIds.add(app1.taskId);
  const answer = await call(h.base, `/v4/reloadtask/${app1.taskId}/start`, { body: [] });
  assertStartAnswer(answer, NOTHING, {
    started: [],
    failed: [{ ...app1, reason: /500.*; QRS shows no execution of the task since the request$/ }],
  });
});
