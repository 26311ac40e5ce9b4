/**
 * Start-task when things go wrong, end to end against the QRS simulator: refused and
 * disabled starts, QRS outages during lookups and during starts, key-value store refusals.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DISABLED_REASON } from '../../src/starttask/plan.js';
import { assertStartAnswer, call, idsOf, startedIds, startHarness, TASKS } from '../starttask/harness.js';
import type { StartTaskResponse as StartTaskAnswer } from '../../src/starttask/types.js';

const { app1, app2, app3, disabled } = TASKS;
const NOTHING = { tasksId: { started: [], invalid: [], denied: [] }, tasksTag: [], tasksTagDenied: [], tasksCP: [], tasksCPDenied: [] };
const pair = (key: string, value = 'secret-parameter') => ({
  type: 'keyvaluestore',
  payload: { namespace: 'params', key, value },
});

test('a start QRS fails is reported in tasksFailed and under no started list; the others start', async (t) => {
  const h = await startHarness(t);
  h.sim.hooks.failingStartIds.add(app2.taskId);
  const answer = await call(h.base, `/v4/reloadtask/${app2.taskId}/start`, {
    body: [{ type: 'starttasktag', payload: { tag: 'startTask1' } }],
  });
  assertStartAnswer(
    answer,
    { ...NOTHING, tasksTag: [app1, app3] },
    { started: [app1, app3], failed: [{ ...app2, reason: /^QRS POST .*start\/synchronous failed: .*500/ }] },
  );
  assert.deepEqual(startedIds(h.sim), idsOf(app1, app3));
});

test('a disabled task is reported failed once, never started, and QRS is not asked to start it', async (t) => {
  const h = await startHarness(t);
  const answer = await call(h.base, `/v4/reloadtask/${disabled.taskId}/start`, {
    body: [{ type: 'starttasktag', payload: { tag: 'disabledDemo' } }],
  });
  assertStartAnswer(answer, NOTHING, { started: [], failed: [{ ...disabled, reason: DISABLED_REASON }] });
  assert.deepEqual(startedIds(h.sim), []);
  assert.equal(h.sim.stats.requestCount({ method: 'POST' }), 0);
});

/** An outage during the lookups: its status, no pair written, nothing started, no id called invalid. */
async function assertOutage(
  h: Awaited<ReturnType<typeof startHarness>>,
  expected: { status: number; code: string },
): Promise<void> {
  const answer = await call(h.base, `/v4/reloadtask/${app1.taskId}/start`, {
    body: [pair('p1'), { type: 'starttasktag', payload: { tag: 'startTask1' } }],
  });
  assert.equal(answer.status, expected.status, JSON.stringify(answer.body));
  assert.match(answer.contentType, /^application\/json/);
  const body = answer.body as Record<string, unknown>;
  assert.equal(body.statusCode, expected.status);
  assert.equal(body.code, expected.code);
  assert.equal(typeof body.message, 'string');
  assert.equal(body.tasksId, undefined, 'an outage never answers with task lists');
  assert.deepEqual(startedIds(h.sim), []);
  assert.equal(h.sim.stats.requestCount({ method: 'POST' }), 0);
  assert.deepEqual(await h.kv?.listNamespaces(), []);
}

test('QRS answering 503 to every lookup: 502, nothing written, nothing started', async (t) => {
  const h = await startHarness(t);
  h.sim.hooks.failAllWith = 503;
  await assertOutage(h, { status: 502, code: 'ERR_QRS_RESPONSE' });
});

test('QRS dropping every connection: 503, nothing written, nothing started', async (t) => {
  const h = await startHarness(t);
  h.sim.hooks.dropConnections = true;
  await assertOutage(h, { status: 503, code: 'ERR_QRS_UNAVAILABLE' });
});

test('QRS slower than qrs.timeoutMs: 504, nothing written, nothing started', async (t) => {
  const h = await startHarness(t, { settings: { qrs: { timeoutMs: 150 } } });
  h.sim.hooks.latencyMs = 3000;
  await assertOutage(h, { status: 504, code: 'ERR_QRS_TIMEOUT' });
});

test('QRS going down between lookups and starts: 200, pairs kept, every start unconfirmed (QRS cannot tell)', async (t) => {
  const h = await startHarness(t, {
    // The real client, with the outage switched on the moment the lookup has answered.
    wrapQrs: (qrs, sim) => ({
      ...qrs,
      findTasks: async (query, options) => {
        const found = await qrs.findTasks(query, options);
        sim.hooks.dropConnections = true;
        return found;
      },
    }),
  });
  const answer = await call(h.base, '/v4/reloadtask/-/start', {
    body: [pair('p1'), { type: 'starttaskid', payload: { taskId: app1.taskId } }, { type: 'starttaskid', payload: { taskId: app2.taskId } }],
  });
  // The starts' answers are lost and so is the question whether they started (running
  // sessions and results, asked at once: either fails first): neither failed nor started.
  const outage =
    /^QRS POST .*start\/synchronous failed: .*; QRS could not be asked whether it started: QRS GET \/qrs\/execution(session|result)\/full failed/;
  assertStartAnswer(answer, NOTHING, {
    started: [],
    unconfirmed: [
      { ...app1, reason: outage },
      { ...app2, reason: outage },
    ],
  });
  assert.deepEqual(startedIds(h.sim), []);
  // The pairs were stored before the starts (as documented), so they stay.
  assert.equal((await h.kv?.get('params', 'p1'))?.value, 'secret-parameter');
});

test('key-value store disabled: pairs are ignored as Butler documents, the tasks start, the answer and the log say so', async (t) => {
  const h = await startHarness(t, { kv: false });
  const answer = await call(h.base, `/v4/reloadtask/${app1.taskId}/start`, { body: [pair('p1'), pair('p2')] });
  assert.equal(answer.status, 200, JSON.stringify(answer.body));
  const { keyValueItemsIgnored, ...rest } = answer.body as StartTaskAnswer;
  assert.deepEqual(keyValueItemsIgnored, {
    count: 2,
    reason: 'Butler.keyValueStore.enable is false: keyvaluestore items are not stored (as Butler documents); the tasks were started',
  });
  assertStartAnswer({ ...answer, body: rest }, { ...NOTHING, tasksId: { started: [app1], invalid: [], denied: [] } }, { started: [app1] });
  assert.deepEqual(startedIds(h.sim), [app1.taskId]);
  const warning = h.logLines().find((line) => line.includes('keyvaluestore item(s) ignored'));
  assert.ok(warning, 'a warning is logged');
  assert.equal(JSON.parse(warning).level, 'warn');
  assert.ok(!warning.includes('secret-parameter'), 'values are not logged');

  // Without pairs the answer has no such key.
  const plain = await call(h.base, `/v4/reloadtask/${app1.taskId}/start`, { body: [] });
  assertStartAnswer(plain, { ...NOTHING, tasksId: { started: [app1], invalid: [], denied: [] } }, { started: [app1] });
});

test('key-value limit refusal keeps its 4xx: no pair written, nothing started', async (t) => {
  const h = await startHarness(t, { settings: { keyValueStore: { maxKeysPerNamespace: 1 } } });
  const answer = await call(h.base, `/v4/reloadtask/${app1.taskId}/start`, { body: [pair('p1'), pair('p2')] });
  assert.equal(answer.status, 409, JSON.stringify(answer.body));
  assert.equal((answer.body as { code?: string }).code, 'ERR_KV_LIMIT');
  assert.deepEqual(await h.kv?.listNamespaces(), []);
  assert.deepEqual(startedIds(h.sim), []);
  assert.equal(h.sim.stats.requestCount({ method: 'POST' }), 0);
});
