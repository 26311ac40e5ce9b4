/**
 * Lost start answers (issue 11 §1, issue 18 §4), end to end: the service over HTTP, the real
 * QRS client, and the simulator's faults (answer delayed past qrs.timeoutMs, connection dropped
 * right after the start, a start lost and never performed, a run QRS queued, QRS's clock set
 * back). A task QRS started is reported started with its execution session; one QRS cannot
 * vouch for is unconfirmed, never failed; no request is credited with another's execution;
 * nothing is ever started twice.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { QrsClient } from '../../src/qrs/types.js';
import { startTestSimulator } from '../helpers/simulator.js';
import { waitUntil } from '../helpers/wait.js';
import { clientFor } from '../qrs/qrs-test-client.js';
import { assertStartAnswer, call, startHarness, TASKS, type Harness } from '../starttask/harness.js';

const { app1 } = TASKS;
const STARTED_BY_ID = { tasksId: { started: [app1], invalid: [], denied: [] }, tasksTag: [], tasksTagDenied: [], tasksCP: [], tasksCPDenied: [] };
const NOTHING = { tasksId: { started: [], invalid: [], denied: [] }, tasksTag: [], tasksTagDenied: [], tasksCP: [], tasksCPDenied: [] };
const START_PATH = `/v4/reloadtask/${app1.taskId}/start`;

function startRequests(h: Harness): number {
  return h.sim.stats.requests.filter((r) => r.method === 'POST' && r.path.endsWith('/start/synchronous')).length;
}

/** A simulator the test shares with a QRS client of its own: someone else starting tasks (the QMC, a schedule). */
async function withOtherStarter(t: Parameters<typeof startHarness>[0], timeoutMs: number) {
  const simulator = await startTestSimulator();
  t.after(() => simulator.close());
  const h = await startHarness(t, { simulator, settings: { qrs: { timeoutMs } } });
  return { h, other: clientFor(t, simulator) };
}

/**
 * The outcome of the service's n-th start (0-based) reaches it only once the test calls
 * `release(n)`, whatever QRS did: the order in which answers and losses are noticed is the
 * test's, not the clock's. Release everything in a `finally`.
 */
function gatedStarts(count: number) {
  const releases: (() => void)[] = [];
  const gates = Array.from({ length: count }, () => new Promise<void>((resolve) => releases.push(resolve)));
  let calls = 0;
  return {
    wrapQrs: (qrs: QrsClient): QrsClient => ({
      ...qrs,
      startTask: async (id, options) => {
        const gate = gates[calls++];
        try {
          return await qrs.startTask(id, options);
        } finally {
          await gate;
        }
      },
    }),
    release: (n: number) => releases[n]?.(),
    releaseAll: () => releases.forEach((release) => release()),
  };
}

test('start answer later than qrs.timeoutMs: reported started with its execution session, started once', async (t) => {
  const h = await startHarness(t, { settings: { qrs: { timeoutMs: 300 } } });
  h.sim.hooks.startAnswerDelayMs = 60_000;
  const answer = await call(h.base, START_PATH, { body: [] });
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
  const answer = await call(h.base, START_PATH, { body: [] });
  assertStartAnswer(answer, STARTED_BY_ID, { started: [app1] });
  assert.deepEqual(h.sim.stats.starts, [app1.taskId]);
  assert.equal(startRequests(h), 1, 'never retried');
});

test('connection dropped after the start and QRS cannot tell: tasksUnconfirmed, not tasksFailed', async (t) => {
  const h = await startHarness(t);
  h.sim.hooks.dropAfterStart = true;
  h.sim.hooks.failExecutionReadsWith = 503;
  const answer = await call(h.base, START_PATH, { body: [] });
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
  const answer = await call(h.base, START_PATH, { body: [] });
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
  const answer = await call(h.base, START_PATH, { body: [] });
  assertStartAnswer(answer, NOTHING, {
    started: [],
    unconfirmed: [{ ...app1, reason: /; QRS shows no execution of the task since the request yet, it may still start$/ }],
  });
  assert.deepEqual(h.sim.stats.starts, []);
});

test('a 5xx with no execution since the request is a certain failure: tasksFailed', async (t) => {
  const h = await startHarness(t);
  h.sim.hooks.failingStartIds.add(app1.taskId);
  const answer = await call(h.base, START_PATH, { body: [] });
  assertStartAnswer(answer, NOTHING, {
    started: [],
    failed: [{ ...app1, reason: /500.*; QRS shows no execution of the task since the request$/ }],
  });
});

test('issue 18 §4: a start QRS never performed is not credited with the next request\'s start of the task', async (t) => {
  const gated = gatedStarts(2);
  const h = await startHarness(t, { settings: { qrs: { timeoutMs: 300 } }, wrapQrs: gated.wrapQrs });
  h.sim.hooks.unansweredStarts = 1;
  try {
    gated.release(1);
    const first = call(h.base, START_PATH, { body: [] });
    await waitUntil(() => startRequests(h) === 1, 'the first start at QRS');
    // The second request starts the task and gets its answer before the first one's loss is noticed.
    const second = assertStartAnswer(await call(h.base, START_PATH, { body: [] }), STARTED_BY_ID, { started: [app1] });
    const secondSession = second.executions[0]?.executionSessionId ?? '';
    gated.release(0);
    assertStartAnswer(await first, NOTHING, {
      started: [],
      unconfirmed: [
        {
          ...app1,
          reason: new RegExp(
            `no answer within 300 ms; QRS shows no execution of the task since the request yet but those of other requests of this service \\(${secondSession}\\), it may still start$`,
          ),
        },
      ],
    });
    assert.deepEqual(h.sim.stats.starts, [app1.taskId], 'QRS started the task once');
  } finally {
    gated.releaseAll();
  }
});

test('a lost start is not credited with an execution another start of the task is still waiting to hear about', async (t) => {
  const gated = gatedStarts(2);
  const h = await startHarness(t, { settings: { qrs: { timeoutMs: 300 } }, wrapQrs: gated.wrapQrs });
  h.sim.hooks.unansweredStarts = 1;
  try {
    const first = call(h.base, START_PATH, { body: [] });
    await waitUntil(() => startRequests(h) === 1, 'the first start at QRS');
    // QRS performs the second start, but its answer is held until the first's loss is resolved.
    const second = call(h.base, START_PATH, { body: [] });
    await waitUntil(() => h.sim.stats.starts.length === 1, 'the second start performed');
    gated.release(0);
    const firstAnswer = await first;
    gated.release(1);
    const secondBody = assertStartAnswer(await second, STARTED_BY_ID, { started: [app1] });
    const secondSession = secondBody.executions[0]?.executionSessionId ?? '';
    assertStartAnswer(firstAnswer, NOTHING, {
      started: [],
      unconfirmed: [
        {
          ...app1,
          reason: new RegExp(`; another start of the task by this service is still waiting for its answer, either may have made ${secondSession} `),
        },
      ],
    });
    assert.deepEqual(h.sim.stats.starts, [app1.taskId]);
  } finally {
    gated.releaseAll();
  }
});

test('lost answer to a start QRS queued (start time 1753-01-01): found among the running sessions, reported started', async (t) => {
  const h = await startHarness(t);
  h.sim.hooks.dropAfterStart = true;
  h.sim.hooks.runDelayMs = 10 * 60_000;
  const body = assertStartAnswer(await call(h.base, START_PATH, { body: [] }), STARTED_BY_ID, {
    started: [app1],
  });
  assert.deepEqual(h.sim.stats.starts, [app1.taskId]);
  assert.ok(h.sim.stats.requests.some((r) => r.path === '/qrs/executionsession/full'), 'running sessions were asked for');
  const status = await call(h.base, `/v4/reloadtask/execution/${body.executions[0]?.executionSessionId}`, { method: 'GET' });
  assert.equal(status.status, 200, JSON.stringify(status.body));
  assert.deepEqual(
    { taskId: (status.body as { taskId: string }).taskId, status: (status.body as { status: string }).status },
    { taskId: app1.taskId, status: 'Triggered' },
  );
});

test('an execution that began more than the clock allowance (1 s) before the request is never credited', async (t) => {
  const { h, other } = await withOtherStarter(t, 500);
  // Someone else's start, 1.5 s before ours by QRS's clock (set back for it, then restored).
  h.sim.hooks.clockOffsetMs = -1_500;
  assert.ok((await other.startTask(app1.taskId)).started);
  h.sim.hooks.clockOffsetMs = 0;
  h.sim.hooks.unansweredStarts = 1;
  assertStartAnswer(await call(h.base, START_PATH, { body: [] }), NOTHING, {
    started: [],
    unconfirmed: [{ ...app1, reason: /no answer within 500 ms; QRS shows no execution of the task since the request yet, it may still start$/ }],
  });
});

test('two executions that may be a lost start\'s: tasksUnconfirmed naming both, neither credited', async (t) => {
  const { h, other } = await withOtherStarter(t, 5_000);
  const started = await other.startTask(app1.taskId);
  assert.ok(started.started);
  h.sim.hooks.dropAfterStart = true;
  const body = assertStartAnswer(await call(h.base, START_PATH, { body: [] }), NOTHING, {
    started: [],
    unconfirmed: [{ ...app1, reason: /; 2 executions of the task began since the request: [0-9a-f-]{36} \(began [^)]+\), [0-9a-f-]{36} \(began [^)]+\)$/ }],
  });
  assert.ok(body.tasksUnconfirmed[0]?.reason.includes(started.executionSessionId), 'the other start is named');
  assert.deepEqual(h.sim.stats.starts, [app1.taskId, app1.taskId]);
});
