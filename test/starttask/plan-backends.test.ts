/**
 * The plan with both backends: ids resolve through Butler.qlikCloud.taskMap, then QRS, then
 * Qlik Cloud apps; tags select on both sides; one backend that cannot be asked fails only what
 * could be on its side. In-memory backends (fake-backends.ts), no I/O.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { BadRequestError } from '../../src/errors.js';
import type { StartTarget, TargetQuery } from '../../src/starttask/backend.js';
import type { StartItem } from '../../src/starttask/items.js';
import type { StartOutcome } from '../../src/starttask/lost-start.js';
import { buildResponse, planStart, targetKey, tasksToStart, type StartRequest, type StartTaskFilter } from '../../src/starttask/plan.js';
import { refuseItemsWithoutBackend, type BackendChoice } from '../../src/starttask/resolve.js';
import type { ExecutionEntry, StartTaskResponse } from '../../src/starttask/types.js';
import { lookUpIn, type FakeBackends } from './fake-backends.js';

const qrsTask = (id: string, name: string, tags: string[] = [], cps: { name: string; value: string }[] = []): StartTarget => ({
  backend: 'qlik-sense',
  id,
  name,
  enabled: true,
  tags,
  customProperties: cps,
});
const cloudApp = (id: string, name: string, tags: string[] = []): StartTarget => ({
  backend: 'qlik-cloud',
  id,
  name,
  enabled: true,
  tags,
  customProperties: [],
});

const APP1 = qrsTask('e3b27f50-b1c0-4879-88fc-c7cdd9c1cf3e', 'Reload task of App1', ['startTask1'], [{ name: 'taskGroup', value: 'tasks1' }]);
const APP2 = qrsTask('7552d9fc-d1bb-4975-9a38-18357de531ea', 'Reload task of App2', ['startTask1']);
/** Still in QRS, but moved: Butler.qlikCloud.taskMap sends it to FINANCE. */
const MOVED = qrsTask('9d0c7a5e-3b1f-4e2a-8c6d-1f2e3d4c5b6a', 'Reload task of Finance (old)', ['nightly']);
const SALES = cloudApp('5a1e0c3b-7f2d-4c61-9b8e-2d4f6a8c0001', 'Sales Dashboard', ['Nightly reload', 'startTask1']);
const FINANCE = cloudApp('5a1e0c3b-7f2d-4c61-9b8e-2d4f6a8c0003', 'Finance P&L', ['Nightly reload']);
/** A task id the map sends to an app Qlik Cloud does not show. */
const MOVED_NOWHERE = '0b1c2d3e-4f50-4617-8293-a4b5c6d7e8f9';
const MISSING_APP = '5a1e0c3b-7f2d-4c61-9b8e-2d4f6a8cffff';
const UNKNOWN = '11111111-2222-3333-4444-555555555555';

const TASK_MAP = new Map([
  [MOVED.id, FINANCE.id.toUpperCase()],
  [MOVED_NOWHERE, MISSING_APP],
]);
const BOTH: BackendChoice = { qrs: true, qlikCloud: true, taskMap: TASK_MAP };
const CLOUD_ONLY: BackendChoice = { qrs: false, qlikCloud: true, taskMap: TASK_MAP };

const FILTER_OFF: StartTaskFilter = { enable: false, taskIds: [], tags: [], customProperties: [] };

const id = (taskId: string): StartItem => ({ type: 'starttaskid', taskId });
const tag = (name: string): StartItem => ({ type: 'starttasktag', tag: name });
const cp = (name: string, value: string): StartItem => ({ type: 'starttaskcustomproperty', name, value });
const variable = (name: string, value: string): StartItem => ({ type: 'reloadvariable', name, value });

const RUN = (t: StartTarget) => (t.backend === 'qlik-cloud' ? `reload-${t.id.slice(-4)}` : `5e55${t.id.slice(4)}`);

interface Setup {
  choice?: BackendChoice;
  down?: FakeBackends['down'];
  filter?: StartTaskFilter;
  urlTaskId?: string;
  items?: StartItem[];
  allTaskIdsMustExist?: boolean;
  /** Start outcomes other than success, by target. */
  outcomes?: Map<StartTarget, StartOutcome>;
}

function run(setup: Setup) {
  const asked = { qrs: [] as TargetQuery[], qlikCloud: [] as TargetQuery[] };
  const backends: FakeBackends = {
    choice: setup.choice ?? BOTH,
    qrs: [APP1, APP2, MOVED],
    qlikCloud: [SALES, FINANCE],
    asked,
    ...(setup.down ? { down: setup.down } : {}),
  };
  const request: StartRequest = {
    urlTaskId: setup.urlTaskId ?? '-',
    items: setup.items ?? [],
    allTaskIdsMustExist: setup.allTaskIdsMustExist ?? false,
  };
  const filter = setup.filter ?? FILTER_OFF;
  const plan = planStart(request, filter, lookUpIn(backends, request, filter));
  const toStart = tasksToStart(plan);
  const results = new Map(
    toStart.map((t) => [targetKey(t), setup.outcomes?.get(t) ?? { started: true as const, executionSessionId: RUN(t) }] as const),
  );
  return { plan, toStart, asked, response: buildResponse(plan, results) };
}

const started = (...entries: [string, StartTarget][]) => entries.map(([taskId, t]) => ({ taskId, taskName: t.name }));
const execution = (taskId: string, t: StartTarget): ExecutionEntry =>
  t.backend === 'qlik-cloud'
    ? { taskId, taskName: t.name, executionSessionId: RUN(t), backend: 'qlik-cloud', appId: t.id, reloadId: RUN(t) }
    : { taskId, taskName: t.name, executionSessionId: RUN(t), backend: 'qlik-sense' };

function response(part: Partial<StartTaskResponse>): StartTaskResponse {
  return {
    tasksId: { started: [], invalid: [], denied: [] },
    tasksTag: [],
    tasksTagDenied: [],
    tasksCP: [],
    tasksCPDenied: [],
    tasksFailed: [],
    tasksUnconfirmed: [],
    executions: [],
    ...part,
  };
}

test('an app id starts the app: it reads as the id the caller used and the app name, its execution names the reload', () => {
  const { response: got, toStart } = run({ urlTaskId: SALES.id.toUpperCase() });
  assert.deepEqual(toStart, [SALES]);
  assert.deepEqual(
    got,
    response({ tasksId: { started: started([SALES.id, SALES]), invalid: [], denied: [] }, executions: [execution(SALES.id, SALES)] }),
  );
});

test('a mapped task id starts its app, not the QRS task of that id; it reads as the task id the caller sent', () => {
  const callerId = MOVED.id.toUpperCase();
  const { response: got, toStart, asked } = run({ urlTaskId: callerId, items: [id(APP1.id)] });
  assert.deepEqual(toStart, [FINANCE, APP1]);
  assert.deepEqual(
    got,
    response({
      tasksId: { started: started([callerId, FINANCE], [APP1.id, APP1]), invalid: [], denied: [] },
      executions: [execution(callerId, FINANCE), execution(APP1.id, APP1)],
    }),
  );
  assert.deepEqual(asked.qrs.map((q) => q.ids), [[APP1.id]], 'QRS is not asked for a mapped id');
  assert.deepEqual(asked.qlikCloud.map((q) => q.ids), [[FINANCE.id, APP1.id]], 'Qlik Cloud is asked for the mapped app, in lower case');
});

test('tags select QRS tasks and Qlik Cloud apps; each target starts once, listed under each item; a tag repeated in other case is looked up once, as first spelt', () => {
  const { response: got, toStart } = run({ items: [tag('startTask1'), tag('STARTTASK1'), id(SALES.id), id(MOVED.id), tag('Nightly reload')] });
  assert.deepEqual(toStart, [APP1, APP2, SALES, FINANCE]);
  assert.deepEqual(got.tasksTag, started([APP1.id, APP1], [APP2.id, APP2], [SALES.id, SALES], [APP1.id, APP1], [APP2.id, APP2], [SALES.id, SALES], [SALES.id, SALES], [FINANCE.id, FINANCE]));
  assert.deepEqual(got.tasksId.started, started([SALES.id, SALES], [MOVED.id, FINANCE]));
  assert.deepEqual(got.executions, [execution(APP1.id, APP1), execution(APP2.id, APP2), execution(SALES.id, SALES), execution(MOVED.id, FINANCE)]);
});

test('Qlik Cloud collection names match exactly: a tag in other case selects only QRS tasks', () => {
  const { toStart } = run({ items: [tag('STARTTASK1')] });
  assert.deepEqual(toStart, [APP1, APP2]);
});

test('startTaskFilter: allowTask.taskId may list an app id or a mapped task id; allowTask.tag matches collections', () => {
  const filter = (taskIds: string[], tags: string[] = []): StartTaskFilter => ({ enable: true, taskIds, tags, customProperties: [] });
  const ids = [id(SALES.id), id(MOVED.id), id(APP2.id)];
  const denied = (...taskIds: string[]) => taskIds.map((taskId) => ({ taskId }));

  let got = run({ items: ids, filter: filter([SALES.id.toUpperCase(), MOVED.id]) }).response;
  assert.deepEqual(got.tasksId, { started: started([SALES.id, SALES], [MOVED.id, FINANCE]), invalid: [], denied: denied(APP2.id) });

  got = run({ items: ids, filter: filter([FINANCE.id]) }).response;
  assert.deepEqual(got.tasksId, { started: started([MOVED.id, FINANCE]), invalid: [], denied: denied(SALES.id, APP2.id) }, 'the app id allows the task mapped to it');

  got = run({ items: [...ids, tag('Nightly reload'), tag('startTask1')], filter: filter([], ['nightly reload']) }).response;
  assert.deepEqual(got.tasksId.started, started([SALES.id, SALES], [MOVED.id, FINANCE]), 'apps in an allowed collection');
  assert.deepEqual(got.tasksTag, started([SALES.id, SALES], [FINANCE.id, FINANCE]));
  assert.deepEqual(got.tasksTagDenied, [{ tag: 'startTask1' }]);
});

test('allTaskIdsMustExist: an id found on neither side stops every start by id, app ids included', () => {
  const { response: got, toStart } = run({ items: [id(SALES.id), id(MOVED.id), id(UNKNOWN), tag('Nightly reload')], allTaskIdsMustExist: true });
  assert.deepEqual(got.tasksId, { started: [], invalid: [{ taskId: UNKNOWN }], denied: [{ taskId: SALES.id }, { taskId: MOVED.id }] });
  assert.deepEqual(toStart, [SALES, FINANCE], 'the tag still starts its apps');
});

test('a mapped task id whose app Qlik Cloud does not show fails with a reason naming the map; it does not fall back to QRS', () => {
  const { response: got, toStart } = run({ urlTaskId: MOVED_NOWHERE, items: [id(MOVED_NOWHERE)] });
  assert.deepEqual(toStart, []);
  assert.deepEqual(got.tasksId, { started: [], invalid: [], denied: [] });
  assert.deepEqual(got.tasksFailed, [
    {
      taskId: MOVED_NOWHERE,
      taskName: MOVED_NOWHERE,
      backend: 'qlik-cloud',
      reason: `Butler.qlikCloud.taskMap maps it to Qlik Cloud app ${MISSING_APP}, which Qlik Cloud does not show (does the app exist, and may the API key's user see it?)`,
    },
  ]);
});

test('QRS down, Qlik Cloud up: apps start; an id only QRS could know fails with the reason; tags and custom properties left out are listed', () => {
  const { response: got, toStart } = run({
    down: { qrs: 'QRS GET /qrs/task/full failed: connect ECONNREFUSED' },
    items: [id(SALES.id), id(APP1.id), id(APP1.id), id(MOVED.id), tag('Nightly reload'), cp('taskGroup', 'tasks1'), id('not-a-guid')],
  });
  assert.deepEqual(toStart, [SALES, FINANCE]);
  assert.deepEqual(got.tasksId, {
    started: started([SALES.id, SALES], [MOVED.id, FINANCE]),
    invalid: [{ taskId: 'not-a-guid' }],
    denied: [],
  });
  assert.deepEqual(got.tasksFailed, [
    {
      taskId: APP1.id,
      taskName: APP1.id,
      backend: 'qlik-sense',
      reason: 'QRS could not be asked whether it knows this id: QRS GET /qrs/task/full failed: connect ECONNREFUSED',
    },
  ]);
  assert.deepEqual(got.backendsUnavailable, [
    {
      backend: 'qlik-sense',
      reason: 'QRS GET /qrs/task/full failed: connect ECONNREFUSED',
      tags: ['Nightly reload'],
      customProperties: [{ name: 'taskGroup', value: 'tasks1' }],
    },
  ]);
});

test('QRS down: with allTaskIdsMustExist, an id that could not be looked up stops the starts by id like an invalid one', () => {
  const { response: got, toStart } = run({ down: { qrs: 'down' }, items: [id(SALES.id), id(UNKNOWN)], allTaskIdsMustExist: true });
  assert.deepEqual(toStart, []);
  assert.deepEqual(got.tasksId, { started: [], invalid: [], denied: [{ taskId: SALES.id }] });
  assert.deepEqual(got.tasksFailed.map((f) => f.taskId), [UNKNOWN]);
});

test('Qlik Cloud down, QRS up: QRS tasks start; mapped ids and ids QRS does not know fail; no custom property is left out', () => {
  const { response: got, toStart } = run({
    down: { qlikCloud: 'Qlik Cloud GET /api/v1/items failed: no answer within 10000 ms' },
    items: [id(APP1.id), id(MOVED.id), id(SALES.id), tag('startTask1'), cp('taskGroup', 'tasks1')],
  });
  assert.deepEqual(toStart, [APP1, APP2]);
  assert.deepEqual(got.tasksFailed, [
    {
      taskId: MOVED.id,
      taskName: MOVED.id,
      backend: 'qlik-cloud',
      reason: `Butler.qlikCloud.taskMap maps it to Qlik Cloud app ${FINANCE.id}; Qlik Cloud could not be asked: Qlik Cloud GET /api/v1/items failed: no answer within 10000 ms`,
    },
    {
      taskId: SALES.id,
      taskName: SALES.id,
      backend: 'qlik-cloud',
      reason: 'Qlik Cloud could not be asked whether it knows this id: Qlik Cloud GET /api/v1/items failed: no answer within 10000 ms',
    },
  ]);
  assert.deepEqual(got.backendsUnavailable, [
    { backend: 'qlik-cloud', reason: 'Qlik Cloud GET /api/v1/items failed: no answer within 10000 ms', tags: ['startTask1'], customProperties: [] },
  ]);
});

test('QRS off: nothing is asked of it, the map still applies; custom property items are refused before any lookup', () => {
  const { response: got, asked } = run({ choice: CLOUD_ONLY, items: [id(MOVED.id), id(APP1.id), tag('startTask1')] });
  assert.deepEqual(asked.qrs, []);
  assert.deepEqual(got.tasksId, { started: started([MOVED.id, FINANCE]), invalid: [{ taskId: APP1.id }], denied: [] });
  assert.deepEqual(got.tasksTag, started([SALES.id, SALES]));

  const request: StartRequest = { urlTaskId: '-', items: [id(SALES.id), cp('taskGroup', 'tasks1')], allTaskIdsMustExist: false };
  assert.throws(
    () => refuseItemsWithoutBackend(request, CLOUD_ONLY),
    (error: unknown) =>
      error instanceof BadRequestError &&
      error.message ===
        'body[1] must not be a starttaskcustomproperty item while Butler.configQRS.enable is false: custom properties exist only on client-managed Qlik Sense, Qlik Cloud has none (got one)',
  );
  assert.doesNotThrow(() => refuseItemsWithoutBackend(request, BOTH));
});

test('Qlik Cloud off: the map is ignored and nothing is asked of Qlik Cloud', () => {
  const { response: got, asked } = run({ choice: { qrs: true, qlikCloud: false, taskMap: TASK_MAP }, items: [id(MOVED.id), id(SALES.id)] });
  assert.deepEqual(asked.qlikCloud, []);
  assert.deepEqual(got.tasksId, { started: started([MOVED.id, MOVED]), invalid: [{ taskId: SALES.id }], denied: [] });
});

test('reload variables: all of them go to the plan; the answer says QRS tasks started without them, only when there were some', () => {
  const items = [variable('vRegion', 'EMEA'), variable('vYear', '2024'), id(SALES.id)];
  const cloudOnly = run({ items });
  assert.deepEqual(cloudOnly.plan.variables, { vRegion: 'EMEA', vYear: '2024' });
  assert.equal(cloudOnly.response.reloadVariablesIgnored, undefined);

  const mixed = run({ items: [...items, id(APP1.id)] }).response;
  assert.deepEqual(mixed.reloadVariablesIgnored, {
    count: 2,
    reason:
      'QRS tasks take no reload variables: the tasks on client-managed Qlik Sense were started without them ' +
      '(the Qlik Cloud reloads of this request got them)',
  });
  assert.equal(run({ items: [id(APP1.id)] }).response.reloadVariablesIgnored, undefined, 'no variables, nothing to say');
});

test('Qlik Cloud starts that failed or were lost carry backend and app id; the taskId is the one the caller used', () => {
  const outcomes = new Map<StartTarget, StartOutcome>([
    [FINANCE, { started: false, reason: 'Qlik Cloud: a reload of this app is already pending' }],
    [SALES, { started: false, unconfirmed: true, reason: 'lost' }],
  ]);
  const got = run({ items: [id(MOVED.id), id(SALES.id)], outcomes }).response;
  assert.deepEqual(got.tasksId.started, []);
  assert.deepEqual(got.tasksFailed, [
    { taskId: MOVED.id, taskName: FINANCE.name, backend: 'qlik-cloud', appId: FINANCE.id, reason: 'Qlik Cloud: a reload of this app is already pending' },
  ]);
  assert.deepEqual(got.tasksUnconfirmed, [{ taskId: SALES.id, taskName: SALES.name, backend: 'qlik-cloud', appId: SALES.id, reason: 'lost' }]);
});
