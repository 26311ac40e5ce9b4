/**
 * What one start request costs QRS, measured at the QRS simulator (20 ms latency unless a
 * test says otherwise): batched lookups, bounded calls in flight and connections, nothing
 * sent after the request failed or its client left (issue 10, item 1); starts and lookups
 * really run concurrently, within their limits (issue 14).
 */
import assert from 'node:assert/strict';
import { request } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { test } from 'node:test';
import type { SimTask } from '../../src/simulator/index.js';
import { waitUntil } from '../helpers/wait.js';
import { assertStartAnswer, call, startedIds, startHarness, TASKS, type TaskRef } from '../starttask/harness.js';

const BULK_TASKS = 10;
const tagOf = (i: number): string => `bulk-${String(i).padStart(4, '0')}`;
const groupOf = (i: number): string => `g-${String(i).padStart(3, '0')}`;
const bulkTask = (k: number): TaskRef => ({
  taskId: `b0000000-0000-4000-8000-${String(k).padStart(12, '0')}`,
  taskName: `Bulk task ${k}`,
});
/** Has a batchGroup property and the value g-005, but not as one pair: must never start. */
const DECOY: TaskRef = { taskId: 'd0000000-0000-4000-8000-000000000000', taskName: 'Decoy' };

/** Task k carries tag bulk-(80k) and custom property batchGroup = g-(20k). */
function bulkFixture(): SimTask[] {
  const reload = { taskType: 0, enabled: true };
  return [
    ...Array.from({ length: BULK_TASKS }, (_, k): SimTask => ({
      id: bulkTask(k).taskId,
      name: bulkTask(k).taskName,
      ...reload,
      tags: [tagOf(k * 80)],
      customProperties: [{ name: 'batchGroup', value: groupOf(k * 20) }],
    })),
    {
      id: DECOY.taskId,
      name: DECOY.taskName,
      ...reload,
      tags: [],
      customProperties: [
        { name: 'batchGroup', value: 'unrelated' },
        { name: 'region', value: groupOf(5) },
      ],
    },
  ];
}

/** 800 tags and 200 custom property values: the request of issue 10. */
const BULK_BODY = [
  ...Array.from({ length: 800 }, (_, i) => ({ type: 'starttasktag', payload: { tag: tagOf(i) } })),
  ...Array.from({ length: 200 }, (_, i) => ({
    type: 'starttaskcustomproperty',
    payload: { customPropertyName: 'batchGroup', customPropertyValue: groupOf(i) },
  })),
];

/** Long enough for a call sent late (which the behaviour under test forbids) to show up. */
async function quietPeriod(): Promise<void> {
  await sleep(500);
}

test('800 tags + 200 custom properties: at most 60 QRS calls, 16 in flight, 16 connections; 200', async (t) => {
  const h = await startHarness(t, { tasks: bulkFixture() });
  h.sim.hooks.latencyMs = 20;
  const answer = await call(h.base, '/v4/reloadtask/-/start', { body: BULK_BODY, signal: AbortSignal.timeout(10_000) });

  const bulk = Array.from({ length: BULK_TASKS }, (_, k) => bulkTask(k));
  assertStartAnswer(
    answer,
    { tasksId: { started: [], invalid: [], denied: [] }, tasksTag: bulk, tasksTagDenied: [], tasksCP: bulk, tasksCPDenied: [] },
    { started: bulk },
  );
  assert.deepEqual(startedIds(h.sim), bulk.map((task) => task.taskId).sort(), 'the decoy (no batchGroup = g-005 pair) is not started');
  const { stats } = h.sim;
  assert.ok(stats.requestCount() <= 60, `${stats.requestCount()} QRS calls`);
  assert.ok(stats.requestCount({ method: 'GET' }) <= 20, `${stats.requestCount({ method: 'GET' })} lookup calls`);
  assert.ok(stats.peakInFlight() <= 16, `${stats.peakInFlight()} QRS calls in flight at once`);
  assert.ok(stats.peakConnections <= 16, `${stats.peakConnections} connections to QRS open at once`);
});

test('a lookup failing: 502, and none of the request\'s remaining QRS calls are sent', async (t) => {
  const h = await startHarness(t, { tasks: bulkFixture() });
  h.sim.hooks.latencyMs = 20;
  h.sim.hooks.failAllWith = 500;
  const answer = await call(h.base, '/v4/reloadtask/-/start', { body: BULK_BODY, signal: AbortSignal.timeout(10_000) });
  assert.equal(answer.status, 502, JSON.stringify(answer.body));
  await quietPeriod();
  const { stats } = h.sim;
  assert.ok(stats.requestCount() <= 8, `${stats.requestCount()} QRS calls for a request whose first lookups failed`);
  assert.equal(stats.requestCount({ method: 'POST' }), 0);
});

test('the client going away: none of the request\'s remaining QRS calls are sent, nothing starts', async (t) => {
  const h = await startHarness(t, { tasks: bulkFixture() });
  h.sim.hooks.latencyMs = 200;
  // node:http on a connection of its own, so leaving really closes the connection.
  const body = JSON.stringify(BULK_BODY);
  const leaving = request(`${h.base}/v4/reloadtask/-/start`, {
    method: 'PUT',
    agent: false,
    headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
  });
  const closed = new Promise<void>((resolve) => leaving.once('close', resolve));
  leaving.on('error', () => undefined);
  leaving.end(body);
  await waitUntil(() => h.sim.stats.requestCount() > 0, 'a first QRS call of the request');
  leaving.destroy();
  await closed;
  await quietPeriod();
  const { stats } = h.sim;
  assert.ok(stats.requestCount() <= 8, `${stats.requestCount()} QRS calls after the client left during the first lookups`);
  assert.equal(stats.requestCount({ method: 'POST' }), 0);
  assert.deepEqual(startedIds(h.sim), []);
  const problems = h.logLines().filter((line) => /"level":"error"|\berror:/.test(line));
  assert.deepEqual(problems, [], 'a client leaving is not a QRS error');
});

/** Tasks all tagged `many`, to start more at once than the concurrency allows. */
function manyTasksFixture(count: number): { tasks: SimTask[]; refs: TaskRef[] } {
  const refs = Array.from({ length: count }, (_, k) => ({
    taskId: `a0000000-0000-4000-8000-${String(k).padStart(12, '0')}`,
    taskName: `Many task ${k}`,
  }));
  const tasks = refs.map((ref) => ({
    id: ref.taskId,
    name: ref.taskName,
    taskType: 0,
    enabled: true,
    tags: ['many'],
    customProperties: [],
  }));
  return { tasks, refs };
}

for (const startConcurrency of [1, 4]) {
  test(`starts run ${startConcurrency} at a time with startTask.startConcurrency ${startConcurrency}`, async (t) => {
    const { tasks, refs } = manyTasksFixture(12);
    const h = await startHarness(t, { tasks, settings: { startTask: { startConcurrency } } });
    // Long enough that starts sent together are all in QRS's hands at once.
    h.sim.hooks.latencyMs = 150;
    const answer = await call(h.base, '/v4/reloadtask/-/start', { body: [{ type: 'starttasktag', payload: { tag: 'many' } }] });
    assertStartAnswer(
      answer,
      { tasksId: { started: [], invalid: [], denied: [] }, tasksTag: refs, tasksTagDenied: [], tasksCP: [], tasksCPDenied: [] },
      { started: refs },
    );
    assert.equal(h.sim.stats.peakInFlight({ method: 'POST', pathPrefix: '/qrs/task/' }), startConcurrency);
  });
}

test('the id, tag and custom property lookups of a request run at the same time', async (t) => {
  const h = await startHarness(t);
  // Long enough that three lookups sent together are all in QRS's hands at once.
  h.sim.hooks.latencyMs = 300;
  const { app1, app2 } = TASKS;
  const answer = await call(h.base, '/v4/reloadtask/-/start', {
    body: [
      { type: 'starttaskid', payload: { taskId: app1.taskId } },
      { type: 'starttasktag', payload: { tag: 'startTask2' } },
      { type: 'starttaskcustomproperty', payload: { customPropertyName: 'taskGroup', customPropertyValue: 'tasks2' } },
    ],
  });
  assert.equal(answer.status, 200, JSON.stringify(answer.body));
  assert.equal(h.sim.stats.requestCount({ method: 'GET' }), 3);
  assert.equal(h.sim.stats.peakInFlight({ method: 'GET' }), 3, 'the three lookups overlap');
  assert.ok(startedIds(h.sim).includes(app2.taskId));
});
