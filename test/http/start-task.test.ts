/**
 * Every example of Butler's start-task documentation, end to end: real HTTP to the app, the
 * real QRS client over mutual TLS to the QRS simulator (demo fixture), a real key-value store.
 * Each checks the answer (Butler's part exactly as documented) and what QRS really started.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  assertStartAnswer,
  call,
  FILTER_ON,
  idsOf,
  startedIds,
  startHarness,
  TASKS,
} from '../starttask/harness.js';

const { app1, app2, app3, operationsMonitor } = TASKS;
const SHORT_ID = 'fb0f317d-da91-4b86-aafa-0174ae1e8c8'; // App3's id, one character short
const NONE = { tasksTag: [], tasksTagDenied: [], tasksCP: [], tasksCPDenied: [] };
const startId = (taskId: string) => ({ type: 'starttaskid', payload: { taskId } });

test('reference: start a single task using task ID', async (t) => {
  const h = await startHarness(t);
  const answer = await call(h.base, `/v4/reloadtask/${app1.taskId}/start`, { body: [] });
  assertStartAnswer(answer, { tasksId: { started: [app1], invalid: [], denied: [] }, ...NONE }, { started: [app1] });
  assert.deepEqual(startedIds(h.sim), idsOf(app1));
});

test('reference: start a single task using an invalid task ID', async (t) => {
  const h = await startHarness(t);
  const answer = await call(h.base, '/v4/reloadtask/abc123/start', { body: [] });
  assertStartAnswer(
    answer,
    { tasksId: { started: [], invalid: [{ taskId: 'abc123' }], denied: [] }, ...NONE },
    { started: [] },
  );
  assert.deepEqual(startedIds(h.sim), []);
  // Not a GUID: QRS is not even asked.
  assert.equal(h.sim.stats.requestCount(), 0);
});

test('reference: start multiple tasks using valid task IDs ("-" in the URL is never reported)', async (t) => {
  const h = await startHarness(t);
  const answer = await call(h.base, '/v4/reloadtask/-/start', { body: [startId(app2.taskId), startId(app3.taskId)] });
  assertStartAnswer(answer, { tasksId: { started: [app2, app3], invalid: [], denied: [] }, ...NONE }, { started: [app2, app3] });
  assert.deepEqual(startedIds(h.sim), idsOf(app2, app3));
});

test('reference: multiple task IDs, all task IDs must exist, task filtering ON', async (t) => {
  const h = await startHarness(t, { settings: { startTask: { filter: FILTER_ON } } });
  const answer = await call(h.base, `/v4/reloadtask/${app1.taskId}/start?allTaskIdsMustExist=true`, {
    body: [startId(app2.taskId), startId(SHORT_ID)],
  });
  assertStartAnswer(
    answer,
    {
      tasksId: { started: [], invalid: [{ taskId: SHORT_ID }], denied: [{ taskId: app1.taskId }, { taskId: app2.taskId }] },
      ...NONE,
    },
    { started: [] },
  );
  assert.deepEqual(startedIds(h.sim), []);
});

test('reference: multiple task IDs, all task IDs must exist, task filtering OFF', async (t) => {
  const h = await startHarness(t);
  const answer = await call(h.base, `/v4/reloadtask/${app1.taskId}/start?allTaskIdsMustExist=true`, {
    body: [startId(app2.taskId), startId(SHORT_ID)],
  });
  assertStartAnswer(
    answer,
    {
      tasksId: { started: [], invalid: [{ taskId: SHORT_ID }], denied: [{ taskId: app1.taskId }, { taskId: app2.taskId }] },
      ...NONE,
    },
    { started: [] },
  );
  assert.deepEqual(startedIds(h.sim), []);
});

test('reference: multiple task IDs, task filtering ON', async (t) => {
  const h = await startHarness(t, { settings: { startTask: { filter: FILTER_ON } } });
  const nightly = '8b4fe424-d90c-493f-a61d-0ce91cd485c9';
  const answer = await call(h.base, `/v4/reloadtask/${app1.taskId}/start`, {
    body: [startId(app2.taskId), startId(SHORT_ID), startId(nightly)],
  });
  assertStartAnswer(
    answer,
    {
      tasksId: { started: [app1, app2], invalid: [{ taskId: SHORT_ID }], denied: [{ taskId: nightly }] },
      ...NONE,
    },
    { started: [app1, app2] },
  );
  assert.deepEqual(startedIds(h.sim), idsOf(app1, app2));
});

test('reference: start tasks using tags', async (t) => {
  const h = await startHarness(t);
  const answer = await call(h.base, '/v4/reloadtask/-/start', {
    body: [{ type: 'starttasktag', payload: { tag: 'startTask1' } }],
  });
  assertStartAnswer(
    answer,
    { tasksId: { started: [], invalid: [], denied: [] }, ...NONE, tasksTag: [app1, app2, app3] },
    { started: [app1, app2, app3] },
  );
  assert.deepEqual(startedIds(h.sim), idsOf(app1, app2, app3));
});

test('reference: start tasks using custom properties (App2 listed twice, started once)', async (t) => {
  const h = await startHarness(t);
  const answer = await call(h.base, '/v4/reloadtask/-/start?allTaskIdsMustExist=false', {
    body: [
      { type: 'starttaskcustomproperty', payload: { customPropertyName: 'taskGroup', customPropertyValue: 'tasks1' } },
      { type: 'starttaskcustomproperty', payload: { customPropertyName: 'taskGroup', customPropertyValue: 'tasks2' } },
    ],
  });
  assertStartAnswer(
    answer,
    { tasksId: { started: [], invalid: [], denied: [] }, ...NONE, tasksCP: [app1, app2, app3, app2] },
    { started: [app1, app2, app3] },
  );
  assert.deepEqual(startedIds(h.sim), idsOf(app1, app2, app3));
});

test('reference: sending parameters to apps (pairs stored, with and without TTL)', async (t) => {
  const h = await startHarness(t);
  const answer = await call(h.base, `/v4/reloadtask/${operationsMonitor.taskId}/start`, {
    body: [
      {
        type: 'keyvaluestore',
        payload: { value: 'TheValue', namespace: 'MyFineNamespace', key: 'AnImportantKey', ttl: 10000 },
      },
      { type: 'keyvaluestore', payload: { value: 'Bar', namespace: 'MyFineNamespace', key: 'Foo' } },
    ],
  });
  assertStartAnswer(
    answer,
    { tasksId: { started: [operationsMonitor], invalid: [], denied: [] }, ...NONE },
    { started: [operationsMonitor] },
  );
  assert.deepEqual(startedIds(h.sim), idsOf(operationsMonitor));
  assert.deepEqual(await h.kv?.get('MyFineNamespace', 'AnImportantKey'), {
    namespace: 'MyFineNamespace',
    key: 'AnImportantKey',
    value: 'TheValue',
    ttl: 10000,
  });
  assert.deepEqual(await h.kv?.get('MyFineNamespace', 'Foo'), {
    namespace: 'MyFineNamespace',
    key: 'Foo',
    value: 'Bar',
    ttl: 0,
  });
});

test('reference: a bit of everything', async (t) => {
  const h = await startHarness(t);
  const answer = await call(h.base, `/v4/reloadtask/${app1.taskId}/start?allTaskIdsMustExist=true`, {
    body: [
      startId(app2.taskId),
      startId(app3.taskId),
      { type: 'starttasktag', payload: { tag: 'startTask1' } },
      { type: 'starttasktag', payload: { tag: 'startTask2' } },
      { type: 'starttaskcustomproperty', payload: { customPropertyName: 'taskGroup', customPropertyValue: 'tasks1' } },
      { type: 'starttaskcustomproperty', payload: { customPropertyName: 'taskGroup', customPropertyValue: 'tasks2' } },
      {
        type: 'keyvaluestore',
        payload: { value: 'TheValue', namespace: 'MyFineNamespace', key: 'AnImportantKey', ttl: 10000 },
      },
      // The reference's listing is cut off inside this item; its value is the earlier example's.
      { type: 'keyvaluestore', payload: { namespace: 'MyFineNamespace', key: 'Foo', value: 'Bar' } },
    ],
  });
  assertStartAnswer(
    answer,
    {
      tasksId: { started: [app1, app2, app3], invalid: [], denied: [] },
      tasksTag: [app1, app2, app3, app3],
      tasksTagDenied: [],
      tasksCP: [app1, app2, app3, app2],
      tasksCPDenied: [],
    },
    { started: [app1, app2, app3] },
  );
  // Matched nine times over, each task started exactly once.
  assert.deepEqual(startedIds(h.sim), idsOf(app1, app2, app3));
  assert.equal((await h.kv?.get('MyFineNamespace', 'AnImportantKey'))?.value, 'TheValue');
  assert.equal((await h.kv?.get('MyFineNamespace', 'Foo'))?.value, 'Bar');
});
