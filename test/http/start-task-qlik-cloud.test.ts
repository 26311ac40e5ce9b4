/**
 * Qlik Cloud behind the start API (issue 19), end to end: the service over HTTP, the real QRS
 * client over mutual TLS to the QRS simulator and the real Qlik Cloud client over HTTP to the
 * Qlik Cloud simulator. Ids, tags on both sides, taskMap, reload variables and partial, both
 * 429s, the quota, lost answers, one backend down while the other answers, QRS off.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { RELOAD_PENDING_REASON, RELOAD_QUOTA_REASON } from '../../src/qlikcloud/index.js';
import { DEMO_CLOUD_FIXTURE_PATH, loadCloudFixture, type RunningQlikCloudSimulator } from '../../src/simulator/qlik-cloud/index.js';
import type { StartTaskResponse as StartTaskAnswer } from '../../src/starttask/types.js';
import { createVirtualClock } from '../helpers/virtual-clock.js';
import { CLOUD_API_KEY } from '../qlikcloud/harness.js';
import { assertStartAnswer, call, idsOf, startedIds, startHarness, TASKS, type TaskRef } from '../starttask/harness.js';

const { app1, app2, app3 } = TASKS;
const APPS = {
  sales: { taskId: '5a1e0c3b-7f2d-4c61-9b8e-2d4f6a8c0001', taskName: 'Sales Dashboard' },
  marketing: { taskId: '5a1e0c3b-7f2d-4c61-9b8e-2d4f6a8c0002', taskName: 'Marketing Funnel' },
  finance: { taskId: '5a1e0c3b-7f2d-4c61-9b8e-2d4f6a8c0003', taskName: 'Finance P&L' },
  /** Added to the demo apps: in a collection named like a QRS tag. */
  twin: { taskId: '5a1e0c3b-7f2d-4c61-9b8e-2d4f6a8c0007', taskName: 'Cloud twin of App1' },
} as const;
const { sales, marketing, finance, twin } = APPS;
const WITH_TWIN = [...loadCloudFixture(DEMO_CLOUD_FIXTURE_PATH), { id: twin.taskId, name: twin.taskName, tags: ['startTask1'] }];

const NOTHING = { tasksId: { started: [], invalid: [], denied: [] }, tasksTag: [], tasksTagDenied: [], tasksCP: [], tasksCPDenied: [] };
const START = 'POST /api/v1/reloads';

const byId = (taskId: string) => ({ type: 'starttaskid', payload: { taskId } });
const byTag = (tag: string) => ({ type: 'starttasktag', payload: { tag } });
const variable = (name: string, value: string) => ({ type: 'reloadvariable', payload: { name, value } });
const startPath = (task: TaskRef | '-', query = '') => `/v4/reloadtask/${task === '-' ? '-' : task.taskId}/start${query}`;

/** The apps Qlik Cloud was asked to reload, sorted (starts run concurrently). */
function reloadedApps(cloud: RunningQlikCloudSimulator | undefined): string[] {
  return (cloud?.stats.reloadsCreated ?? []).map((created) => created.appId).sort();
}

function cloudOf(h: { cloud: RunningQlikCloudSimulator | undefined }): RunningQlikCloudSimulator {
  return h.cloud ?? assert.fail('the harness has Qlik Cloud on');
}

test('an app id (URL or starttaskid) starts a reload of the app beside the QRS tasks of the request', async (t) => {
  const h = await startHarness(t, { cloud: {} });
  const cloud = cloudOf(h);
  const answer = await call(h.base, startPath(sales), { body: [byId(app1.taskId), byId(finance.taskId.toUpperCase())] });
  const body = assertStartAnswer(
    answer,
    { ...NOTHING, tasksId: { started: [sales, app1, finance], invalid: [], denied: [] } },
    { started: [sales, app1, finance] },
  );
  assert.deepEqual(startedIds(h.sim), idsOf(app1));
  assert.deepEqual(reloadedApps(cloud), idsOf(sales, finance));
  const reloads = new Map(cloud.stats.reloadsCreated.map((created) => [created.appId, created]));
  for (const app of [sales, finance]) {
    const entry = body.executions.find((e) => e.appId === app.taskId);
    assert.equal(entry?.backend, 'qlik-cloud');
    assert.equal(entry?.reloadId, reloads.get(app.taskId)?.reloadId, 'the reload Qlik Cloud created');
    assert.deepEqual(reloads.get(app.taskId)?.variables, {});
    assert.equal(reloads.get(app.taskId)?.partial, false);
  }
  assert.equal(body.executions.find((e) => e.taskId === app1.taskId)?.backend, 'qlik-sense');
});

test('starttasktag selects QRS tasks with the tag and Qlik Cloud apps in the public collection of that name, each started once', async (t) => {
  const h = await startHarness(t, { cloud: { apps: WITH_TWIN } });
  const answer = await call(h.base, startPath('-'), { body: [byTag('startTask1'), byTag('Nightly reload'), byId(sales.taskId)] });
  assertStartAnswer(
    answer,
    { ...NOTHING, tasksId: { started: [sales], invalid: [], denied: [] }, tasksTag: [app1, app2, app3, twin, sales, marketing, finance] },
    { started: [app1, app2, app3, twin, sales, marketing, finance] },
  );
  assert.deepEqual(startedIds(h.sim), idsOf(app1, app2, app3));
  assert.deepEqual(reloadedApps(h.cloud), idsOf(twin, sales, marketing, finance));
});

test('Butler.qlikCloud.taskMap: a moved task id reloads its app instead of the QRS task; callers keep the task id', async (t) => {
  const h = await startHarness(t, { cloud: { taskMap: { [app2.taskId.toUpperCase()]: finance.taskId } } });
  const moved = { taskId: app2.taskId, taskName: finance.taskName };
  const answer = await call(h.base, startPath(app2), { body: [byId(app1.taskId)] });
  const body = assertStartAnswer(answer, { ...NOTHING, tasksId: { started: [moved, app1], invalid: [], denied: [] } }, { started: [moved, app1] });
  assert.deepEqual(startedIds(h.sim), idsOf(app1), 'the QRS task of the moved id is not started');
  assert.deepEqual(reloadedApps(h.cloud), idsOf(finance));
  assert.equal(body.executions[0]?.appId, finance.taskId);
});

test('reload variables go to every Qlik Cloud reload; QRS tasks start without them and the answer says so; ?partial=true', async (t) => {
  const h = await startHarness(t, { cloud: {} });
  const variables = [variable('vRegion', 'EMEA'), variable('vNote', 'Ä'.repeat(256))];
  const answer = await call(h.base, startPath('-', '?partial=true'), { body: [...variables, byId(sales.taskId), byId(finance.taskId), byId(app1.taskId)] });
  const body = assertStartAnswer(
    answer,
    { ...NOTHING, tasksId: { started: [sales, finance, app1], invalid: [], denied: [] } },
    { started: [sales, finance, app1], extraKeys: ['reloadVariablesIgnored'] },
  );
  assert.deepEqual(body.reloadVariablesIgnored, {
    count: 2,
    reason:
      'QRS tasks take no reload variables: the tasks on client-managed Qlik Sense were started without them ' +
      '(the Qlik Cloud reloads of this request got them)',
  });
  const created = cloudOf(h).stats.reloadsCreated;
  assert.equal(created.length, 2);
  for (const reload of created) {
    assert.deepEqual(reload.variables, { vRegion: 'EMEA', vNote: 'Ä'.repeat(256) });
    assert.equal(reload.partial, true);
  }
  assert.deepEqual(startedIds(h.sim), idsOf(app1));

  const cloudOnly = await call(h.base, startPath(marketing), { body: [variable('vRegion', 'EMEA')] });
  assertStartAnswer(cloudOnly, { ...NOTHING, tasksId: { started: [marketing], invalid: [], denied: [] } }, { started: [marketing] });
});

test('reload variable limits are checked before anything is looked up or started: 400 naming the item', async (t) => {
  const h = await startHarness(t, { cloud: {}, settings: { startTask: { maxItems: 100 } } });
  const cases: [unknown[], RegExp][] = [
    [
      [byId(sales.taskId), ...Array.from({ length: 21 }, (_, i) => variable(`v${i}`, 'x'))],
      /^body\[21\] must not be reload variable number 21: Qlik Cloud takes at most 20 per reload \(got 21 reloadvariable items\)$/,
    ],
    [[byId(app1.taskId), variable('n'.repeat(257), 'x')], /^body\[1\]\.payload\.name must be at most 256 characters, as Qlik Cloud takes reload variables \(got 257\)$/],
    [[variable('vNote', '€'.repeat(257)), byId(sales.taskId)], /^body\[0\]\.payload\.value must be at most 256 characters/],
    [[variable('v', '1'), variable('v', '2')], /^body\[1\]\.payload\.name must not repeat the variable of body\[0\]/],
  ];
  for (const [body, message] of cases) {
    const answer = await call(h.base, startPath(app2), { body });
    assert.equal(answer.status, 400, JSON.stringify(answer.body));
    assert.match((answer.body as { message: string }).message, message);
  }
  assert.equal(h.sim.stats.requests.length, 0, 'QRS was asked nothing');
  assert.equal(cloudOf(h).stats.requestCount({}), 0, 'Qlik Cloud was asked nothing');
});

test('a rate-limit 429 is waited out (Retry-After) and the start sent again: started once', async (t) => {
  const clock = createVirtualClock({ autoAdvance: true });
  const h = await startHarness(t, { cloud: { clock } });
  const cloud = cloudOf(h);
  cloud.hooks.rateLimitNextStarts = 1;
  cloud.hooks.retryAfterSeconds = 7;
  const answer = await call(h.base, startPath(sales), { body: [] });
  assertStartAnswer(answer, { ...NOTHING, tasksId: { started: [sales], invalid: [], denied: [] } }, { started: [sales] });
  assert.equal(cloud.stats.requestCount({ endpoint: START }), 2, 'sent again after the wait');
  assert.deepEqual(reloadedApps(cloud), idsOf(sales), 'one reload');
  assert.ok(clock.sleeps.includes(7_000), `waited Retry-After: ${JSON.stringify(clock.sleeps)}`);
});

test('rate-limit 429s past the client bound: tasksFailed (Qlik Cloud started nothing), not unconfirmed', async (t) => {
  const clock = createVirtualClock({ autoAdvance: true });
  const h = await startHarness(t, { cloud: { clock } });
  const cloud = cloudOf(h);
  cloud.hooks.rateLimitNextStarts = 100;
  const answer = await call(h.base, startPath(sales), { body: [] });
  assertStartAnswer(answer, NOTHING, { started: [], failed: [{ ...sales, reason: /^Qlik Cloud POST \/api\/v1\/reloads failed: .*429/ }] });
  assert.deepEqual(reloadedApps(cloud), []);
  assert.equal(cloud.stats.requestCount({ endpoint: 'GET /api/v1/reloads' }), 0, 'no reload looked for: nothing can have started');
});

test('"a reload is already pending" is tasksFailed with that reason and never sent again; the quota used up too', async (t) => {
  const h = await startHarness(t, { cloud: {} });
  const cloud = cloudOf(h);
  assertStartAnswer(await call(h.base, startPath(sales), { body: [] }), { ...NOTHING, tasksId: { started: [sales], invalid: [], denied: [] } }, { started: [sales] });

  const pending = await call(h.base, startPath(sales), { body: [byId(app1.taskId)] });
  const body = assertStartAnswer(
    pending,
    { ...NOTHING, tasksId: { started: [app1], invalid: [], denied: [] } },
    { started: [app1], failed: [{ ...sales, reason: RELOAD_PENDING_REASON }] },
  );
  assert.deepEqual(
    body.tasksFailed.map(({ backend, appId }) => ({ backend, appId })),
    [{ backend: 'qlik-cloud', appId: sales.taskId }],
  );
  assert.equal(cloud.stats.requestCount({ endpoint: START }), 2, 'one start per request, the pending one not sent again');

  cloud.hooks.quotaExceeded = true;
  const quota = await call(h.base, startPath(finance), { body: [] });
  assertStartAnswer(quota, NOTHING, { started: [], failed: [{ ...finance, reason: RELOAD_QUOTA_REASON }] });
  assert.deepEqual(reloadedApps(cloud), idsOf(sales));
});

test('a start answer later than timeoutMs, or dropped, is reported started with the reload Qlik Cloud created; never sent twice', async (t) => {
  const h = await startHarness(t, { cloud: { timeoutMs: 300 } });
  const cloud = cloudOf(h);
  cloud.hooks.startAnswerDelayMs = 60_000;
  const late = assertStartAnswer(await call(h.base, startPath(sales), { body: [] }), { ...NOTHING, tasksId: { started: [sales], invalid: [], denied: [] } }, { started: [sales] });
  cloud.hooks.startAnswerDelayMs = 0;
  cloud.hooks.dropAfterStart = true;
  const dropped = assertStartAnswer(await call(h.base, startPath(finance), { body: [] }), { ...NOTHING, tasksId: { started: [finance], invalid: [], denied: [] } }, { started: [finance] });

  assert.equal(cloud.stats.requestCount({ endpoint: START }), 2, 'each start sent once');
  const created = new Map(cloud.stats.reloadsCreated.map((reload) => [reload.appId, reload.reloadId]));
  assert.equal(late.executions[0]?.reloadId, created.get(sales.taskId));
  assert.equal(dropped.executions[0]?.reloadId, created.get(finance.taskId));
});

test('a lost start answer (5xx) that Qlik Cloud shows no reload for is unconfirmed, never failed, never sent again', async (t) => {
  const h = await startHarness(t, { cloud: {} });
  const cloud = cloudOf(h);
  cloud.hooks.failStartsWith = 503;
  const noReload = await call(h.base, startPath(sales), { body: [] });
  assertStartAnswer(noReload, NOTHING, {
    started: [],
    unconfirmed: [{ ...sales, reason: /failed: .*503.*; Qlik Cloud shows no reload of the app since the request yet, it may still start$/ }],
  });

  assert.equal(cloud.stats.requestCount({ endpoint: START }), 1, 'never sent again');
});

test('a lost start answer whose reloads cannot be read afterwards is unconfirmed, never failed', async (t) => {
  const h = await startHarness(t, {
    cloud: {
      // Qlik Cloud's reads fail from the moment the start is sent, so the lookups before it work.
      wrapCloud: (client, sim) => ({
        ...client,
        startReload: (appId, parameters, options) => {
          sim.hooks.failReadsWith = 503;
          return client.startReload(appId, parameters, options);
        },
      }),
    },
  });
  const cloud = cloudOf(h);
  cloud.hooks.dropAfterStart = true;
  const unchecked = await call(h.base, startPath(finance), { body: [] });
  assertStartAnswer(unchecked, NOTHING, {
    started: [],
    unconfirmed: [{ ...finance, reason: /; Qlik Cloud could not be asked whether it started: Qlik Cloud GET \/api\/v1\/reloads / }],
  });
  assert.equal(cloud.stats.requestCount({ endpoint: START }), 1, 'never sent again');
  assert.deepEqual(reloadedApps(cloud), idsOf(finance), 'it did start: unconfirmed is the honest answer');
});

test('QRS unreachable, Qlik Cloud up: apps start; an id only QRS could know and the QRS side of a tag are reported, not dropped', async (t) => {
  const h = await startHarness(t, { cloud: {} });
  h.sim.hooks.dropConnections = true;
  const answer = await call(h.base, startPath(sales), { body: [byId(app1.taskId), byTag('Nightly reload')] });
  const body = assertStartAnswer(
    answer,
    { ...NOTHING, tasksId: { started: [sales], invalid: [], denied: [] }, tasksTag: [sales, marketing, finance] },
    {
      started: [sales, marketing, finance],
      failed: [{ taskId: app1.taskId, taskName: app1.taskId, reason: /^QRS could not be asked whether it knows this id: QRS GET / }],
      extraKeys: ['backendsUnavailable'],
    },
  );
  assert.equal(body.tasksFailed[0]?.backend, 'qlik-sense');
  assert.deepEqual(
    body.backendsUnavailable?.map(({ backend, tags, customProperties }) => ({ backend, tags, customProperties })),
    [{ backend: 'qlik-sense', tags: ['Nightly reload'], customProperties: [] }],
  );
  assert.deepEqual(startedIds(h.sim), []);
});

test('Qlik Cloud unreachable, QRS up: QRS tasks start; app ids and moved task ids are tasksFailed with the reason', async (t) => {
  const h = await startHarness(t, { cloud: { taskMap: { [app3.taskId]: finance.taskId } } });
  const cloud = cloudOf(h);
  cloud.hooks.failReadsWith = 503;
  const answer = await call(h.base, startPath(app1), { body: [byId(sales.taskId), byId(app3.taskId), byTag('startTask2')] });
  assertStartAnswer(
    answer,
    { ...NOTHING, tasksId: { started: [app1], invalid: [], denied: [] }, tasksTag: [app3] },
    {
      started: [app1, app3],
      failed: [
        { taskId: sales.taskId, taskName: sales.taskId, reason: /^Qlik Cloud could not be asked whether it knows this id: Qlik Cloud GET / },
        { taskId: app3.taskId, taskName: app3.taskId, reason: new RegExp(`^Butler\\.qlikCloud\\.taskMap maps it to Qlik Cloud app ${finance.taskId}; Qlik Cloud could not be asked: `) },
      ],
      extraKeys: ['backendsUnavailable'],
    },
  );
  assert.deepEqual(startedIds(h.sim), idsOf(app1, app3), 'app3 starts by its tag, while its id is mapped to an app');
  assert.deepEqual(reloadedApps(cloud), []);
});

test('both backends unreachable: 503 as for QRS alone, nothing started', async (t) => {
  const h = await startHarness(t, { cloud: {} });
  h.sim.hooks.dropConnections = true;
  await cloudOf(h).close();
  const answer = await call(h.base, startPath(sales), { body: [byId(app1.taskId)] });
  assert.equal(answer.status, 503, JSON.stringify(answer.body));
  assert.match((answer.body as { message: string }).message, /^QRS /, 'the first backend\'s error');
});

test('only Qlik Cloud asked and unreachable: its 5xx, as QRS\'s would be', async (t) => {
  const h = await startHarness(t, { cloud: { taskMap: { [app2.taskId]: finance.taskId } } });
  cloudOf(h).hooks.failReadsWith = 503;
  const answer = await call(h.base, startPath(app2), { body: [] });
  assert.equal(answer.status, 502, JSON.stringify(answer.body));
  assert.equal((answer.body as { code: string }).code, 'ERR_QLIK_CLOUD_RESPONSE');
  assert.equal(h.sim.stats.requests.length, 0, 'QRS is not asked for a moved task id');
});

test('QRS off: apps start, QRS is never asked; a custom property item is a 400; /ready answers for Qlik Cloud; no execution status route', async (t) => {
  const h = await startHarness(t, { qrs: false, cloud: { taskMap: { [app2.taskId]: finance.taskId } } });
  const answer = await call(h.base, startPath(sales), { body: [byId(app2.taskId), byId(app1.taskId), byTag('startTask1')] });
  assertStartAnswer(
    answer,
    { ...NOTHING, tasksId: { started: [sales, { taskId: app2.taskId, taskName: finance.taskName }], invalid: [{ taskId: app1.taskId }], denied: [] } },
    { started: [sales, { taskId: app2.taskId, taskName: finance.taskName }] },
  );

  const cp = await call(h.base, startPath(sales), {
    body: [byId(sales.taskId), { type: 'starttaskcustomproperty', payload: { customPropertyName: 'taskGroup', customPropertyValue: 'tasks1' } }],
  });
  assert.equal(cp.status, 400);
  assert.equal(
    (cp.body as { message: string }).message,
    'body[1] must not be a starttaskcustomproperty item while Butler.configQRS.enable is false: ' +
      'custom properties exist only on client-managed Qlik Sense, Qlik Cloud has none (got one)',
  );
  assert.deepEqual(reloadedApps(h.cloud), idsOf(sales, finance), 'the refused request started nothing');

  const ready = await call(h.base, '/ready', { method: 'GET' });
  assert.equal(ready.status, 200, JSON.stringify(ready.body));
  assert.equal((await call(h.base, `/v4/reloadtask/execution/${app1.taskId}`, { method: 'GET' })).status, 404);
  assert.equal(h.sim.stats.requests.length, 0, 'QRS was asked nothing at all');
});

test('Qlik Cloud off: an app id is invalid as before and its entries say qlik-sense', async (t) => {
  const h = await startHarness(t);
  const answer = await call(h.base, startPath(sales), { body: [byId(app1.taskId), variable('vRegion', 'EMEA')] });
  const body = assertStartAnswer(
    answer,
    { ...NOTHING, tasksId: { started: [app1], invalid: [{ taskId: sales.taskId }], denied: [] } },
    { started: [app1], extraKeys: ['reloadVariablesIgnored'] },
  );
  assert.equal(body.reloadVariablesIgnored?.count, 1);
});

test('/ready with both backends on: 200 while one answers (admins see which failed), 503 when neither does', async (t) => {
  const h = await startHarness(t, { cloud: {}, settings: { qrs: { readinessCacheMs: 0 } } });
  type Ready = { ready: boolean; qrs?: { ready: boolean }; qlikCloud?: { ready: boolean; detail: string } };
  const ready = async () => {
    const answer = await call(h.base, '/ready', { method: 'GET' });
    return { status: answer.status, body: answer.body as Ready };
  };
  assert.deepEqual((await ready()).status, 200);
  cloudOf(h).hooks.failReadsWith = 503;
  const half = await ready();
  assert.equal(half.status, 200);
  assert.equal(half.body.ready, true);
  h.sim.hooks.dropConnections = true;
  const none = await ready();
  assert.equal(none.status, 503);
  assert.equal(none.body.ready, false);
});

test('a QRS-only answer reads the way it did: documented keys, then the extension keys, nothing more', async (t) => {
  const h = await startHarness(t);
  const answer = await call(h.base, startPath(app1), { body: [] });
  const body = assertStartAnswer(answer, { ...NOTHING, tasksId: { started: [app1], invalid: [], denied: [] } }, { started: [app1] });
  assert.deepEqual(Object.keys(body.executions[0] ?? {}), ['taskId', 'taskName', 'executionSessionId', 'backend']);
  const started: StartTaskAnswer['tasksId']['started'] = body.tasksId.started;
  assert.deepEqual(Object.keys(started[0] ?? {}), ['taskId', 'taskName']);
});

test('the Qlik Cloud API key reaches no log line and no answer, on the failure paths either', async (t) => {
  const h = await startHarness(t, { cloud: { timeoutMs: 300 } });
  const cloud = cloudOf(h);
  const answers: unknown[] = [];
  answers.push((await call(h.base, startPath(sales), { body: [] })).body);
  cloud.hooks.failStartsWith = 500;
  answers.push((await call(h.base, startPath(finance), { body: [] })).body);
  cloud.hooks.failReadsWith = 401;
  answers.push((await call(h.base, startPath(app1), { body: [byId(marketing.taskId), byTag('Nightly reload')] })).body);
  answers.push((await call(h.base, '/ready', { method: 'GET', headers: {} })).body);
  const text = [...h.logLines(), ...answers.map((a) => JSON.stringify(a))].join('\n');
  assert.match(text, /Qlik Cloud GET/, 'the failures were logged and answered');
  assert.ok(!text.includes(CLOUD_API_KEY), 'the API key leaked');
});
