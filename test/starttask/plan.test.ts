import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { NameValue } from '../../src/config/settings.js';
import type { StartResult } from '../../src/qrs/types.js';
import type { StartTarget } from '../../src/starttask/backend.js';
import type { StartItem } from '../../src/starttask/items.js';
import {
  buildResponse,
  customPropertyKey,
  DISABLED_REASON,
  lookupNeeds,
  planStart,
  tagKey,
  targetKey,
  tasksToStart,
  type LookupResults,
  type StartRequest,
  type StartTaskFilter,
} from '../../src/starttask/plan.js';
import type { StartTaskResponse } from '../../src/starttask/types.js';
import { lookUpIn } from './fake-backends.js';

// ---- a small repository, answered the way QrsClient would ----

function task(id: string, name: string, tags: string[], cps: NameValue[] = [], enabled = true): StartTarget {
  return { backend: 'qlik-sense', id, name, enabled, tags, customProperties: cps };
}

const APP1 = task('e3b27f50-b1c0-4879-88fc-c7cdd9c1cf3e', 'Reload task of App1', ['startTask1'], [
  { name: 'taskGroup', value: 'tasks1' },
]);
const APP2 = task('7552d9fc-d1bb-4975-9a38-18357de531ea', 'Reload task of App2', ['startTask1'], [
  { name: 'taskGroup', value: 'tasks1' },
  { name: 'taskGroup', value: 'tasks2' },
]);
const APP3 = task('fb0f317d-da91-4b86-aafa-0174ae1e8c8f', 'Reload task of App3', ['startTask1', 'startTask2'], [
  { name: 'taskGroup', value: 'tasks1' },
]);
const OPS = task('fbf645f0-0c92-40a4-af9a-6e3eb1d3c35c', 'Reload Operations Monitor', []);
const NIGHTLY = task('8b4fe424-d90c-493f-a61d-0ce91cd485c9', 'Nightly reload', ['nightly'], [
  { name: 'owner', value: 'finance' },
]);
const DISABLED = task('0d7f3a34-5a0e-4b53-9d7b-2f1c8d7e6a11', 'Disabled task', ['disabledDemo'], [], false);
const REPOSITORY = [APP1, APP2, APP3, OPS, NIGHTLY, DISABLED];

const SHORT_ID = 'fb0f317d-da91-4b86-aafa-0174ae1e8c8'; // one character short
const UNKNOWN_ID = '11111111-2222-3333-4444-555555555555';

/** Answers exactly the lookups lookupNeeds asked for, from REPOSITORY (no I/O involved). */
function answer(request: StartRequest, filter: StartTaskFilter): LookupResults {
  return lookUpIn({ choice: { qrs: true, qlikCloud: false, taskMap: new Map() }, qrs: REPOSITORY, qlikCloud: [] }, request, filter);
}

const FILTER_OFF: StartTaskFilter = { enable: false, taskIds: [], tags: [], customProperties: [] };
const FILTER_ON: StartTaskFilter = { enable: true, taskIds: [APP1.id, APP2.id, APP3.id], tags: [], customProperties: [] };

const id = (taskId: string): StartItem => ({ type: 'starttaskid', taskId });
const tag = (name: string): StartItem => ({ type: 'starttasktag', tag: name });
const cp = (name: string, value: string): StartItem => ({ type: 'starttaskcustomproperty', name, value });
const kv = (namespace: string, key: string, value: string, ttl = 0): StartItem => ({
  type: 'keyvaluestore',
  pair: { namespace, key, value, ttl },
});

const started = (...tasks: StartTarget[]) => tasks.map((t) => ({ taskId: t.id, taskName: t.name }));
const ids = (...taskIds: string[]) => taskIds.map((taskId) => ({ taskId }));
const SESSION = (t: StartTarget) => `5e55${t.id.slice(4)}`;
const executions = (...tasks: StartTarget[]) =>
  tasks.map((t) => ({ taskId: t.id, taskName: t.name, executionSessionId: SESSION(t), backend: 'qlik-sense' as const }));

function emptyResponse(): StartTaskResponse {
  return {
    tasksId: { started: [], invalid: [], denied: [] },
    tasksTag: [],
    tasksTagDenied: [],
    tasksCP: [],
    tasksCPDenied: [],
    tasksFailed: [],
    tasksUnconfirmed: [],
    executions: [],
  };
}

interface Case {
  name: string;
  urlTaskId?: string;
  items?: StartItem[];
  allTaskIdsMustExist?: boolean;
  filter?: StartTaskFilter;
  /** Start outcomes other than success, by task. */
  refusals?: Map<StartTarget, string>;
  /** Tasks expected to be handed to QRS to start, in order. */
  starts: StartTarget[];
  expected: Partial<StartTaskResponse>;
}

function run(c: Case) {
  const request: StartRequest = {
    urlTaskId: c.urlTaskId ?? '-',
    items: c.items ?? [],
    allTaskIdsMustExist: c.allTaskIdsMustExist ?? false,
  };
  const filter = c.filter ?? FILTER_OFF;
  const plan = planStart(request, filter, answer(request, filter));
  const toStart = tasksToStart(plan);
  const results = new Map<string, StartResult>(
    toStart.map((t) => {
      const refusal = c.refusals?.get(t);
      return [targetKey(t), refusal ? { started: false, reason: refusal } : { started: true, executionSessionId: SESSION(t) }];
    }),
  );
  return { plan, toStart, response: buildResponse(plan, results) };
}

const CASES: Case[] = [
  {
    name: 'URL task id alone is started',
    urlTaskId: APP1.id,
    starts: [APP1],
    expected: { tasksId: { started: started(APP1), invalid: [], denied: [] }, executions: executions(APP1) },
  },
  {
    name: 'the magic "-" is never reported; body ids start in order',
    items: [id(APP2.id), id(APP3.id)],
    starts: [APP2, APP3],
    expected: { tasksId: { started: started(APP2, APP3), invalid: [], denied: [] }, executions: executions(APP2, APP3) },
  },
  {
    name: 'a URL id that is not a GUID is invalid',
    urlTaskId: 'abc123',
    starts: [],
    expected: { tasksId: { started: [], invalid: ids('abc123'), denied: [] } },
  },
  {
    name: 'a GUID QRS does not know is invalid; an empty id too',
    items: [id(UNKNOWN_ID), id(''), id(APP1.id)],
    starts: [APP1],
    expected: {
      tasksId: { started: started(APP1), invalid: ids(UNKNOWN_ID, ''), denied: [] },
      executions: executions(APP1),
    },
  },
  {
    name: 'allTaskIdsMustExist: one invalid id denies every id start, filter on (reference example)',
    urlTaskId: APP1.id,
    items: [id(APP2.id), id(SHORT_ID)],
    allTaskIdsMustExist: true,
    filter: FILTER_ON,
    starts: [],
    expected: { tasksId: { started: [], invalid: ids(SHORT_ID), denied: ids(APP1.id, APP2.id) } },
  },
  {
    name: 'allTaskIdsMustExist: same answer with the filter off (reference example)',
    urlTaskId: APP1.id,
    items: [id(APP2.id), id(SHORT_ID)],
    allTaskIdsMustExist: true,
    starts: [],
    expected: { tasksId: { started: [], invalid: ids(SHORT_ID), denied: ids(APP1.id, APP2.id) } },
  },
  {
    name: 'allTaskIdsMustExist: denied ids keep request order, filter-denied ones included',
    items: [id(NIGHTLY.id), id(APP1.id), id(UNKNOWN_ID)],
    allTaskIdsMustExist: true,
    filter: FILTER_ON,
    starts: [],
    expected: { tasksId: { started: [], invalid: ids(UNKNOWN_ID), denied: ids(NIGHTLY.id, APP1.id) } },
  },
  {
    name: 'allTaskIdsMustExist with every id valid starts them all',
    urlTaskId: APP1.id,
    items: [id(APP2.id)],
    allTaskIdsMustExist: true,
    starts: [APP1, APP2],
    expected: { tasksId: { started: started(APP1, APP2), invalid: [], denied: [] }, executions: executions(APP1, APP2) },
  },
  {
    name: 'allTaskIdsMustExist does not touch tag and custom property starts',
    urlTaskId: APP1.id,
    items: [id(SHORT_ID), tag('startTask2'), cp('taskGroup', 'tasks2')],
    allTaskIdsMustExist: true,
    starts: [APP3, APP2],
    expected: {
      tasksId: { started: [], invalid: ids(SHORT_ID), denied: ids(APP1.id) },
      tasksTag: started(APP3),
      tasksCP: started(APP2),
      executions: executions(APP3, APP2),
    },
  },
  {
    name: 'an id denied by allTaskIdsMustExist still starts through its tag, listed under both',
    urlTaskId: APP3.id,
    items: [id(UNKNOWN_ID), tag('startTask2')],
    allTaskIdsMustExist: true,
    starts: [APP3],
    expected: {
      tasksId: { started: [], invalid: ids(UNKNOWN_ID), denied: ids(APP3.id) },
      tasksTag: started(APP3),
      executions: executions(APP3),
    },
  },
  {
    name: 'filter on: allowed ids start, an unlisted existing id is denied, a short one invalid (reference example)',
    urlTaskId: APP1.id,
    items: [id(APP2.id), id(SHORT_ID), id(NIGHTLY.id)],
    filter: FILTER_ON,
    starts: [APP1, APP2],
    expected: {
      tasksId: { started: started(APP1, APP2), invalid: ids(SHORT_ID), denied: ids(NIGHTLY.id) },
      executions: executions(APP1, APP2),
    },
  },
  {
    name: 'filter on: the allow-list of ids ignores GUID case; the answer names the task as QRS does',
    items: [id(APP1.id.toUpperCase())],
    filter: { ...FILTER_ON, taskIds: [APP1.id.toUpperCase()] },
    starts: [APP1],
    expected: { tasksId: { started: started(APP1), invalid: [], denied: [] }, executions: executions(APP1) },
  },
  {
    name: 'filter on: an id is allowed by one of its tags (additive lists)',
    items: [id(NIGHTLY.id), id(OPS.id)],
    filter: { ...FILTER_ON, taskIds: [], tags: ['NIGHTLY'] },
    starts: [NIGHTLY],
    expected: {
      tasksId: { started: started(NIGHTLY), invalid: [], denied: ids(OPS.id) },
      executions: executions(NIGHTLY),
    },
  },
  {
    name: 'filter on: an id is allowed by one of its custom property values (additive lists)',
    items: [id(NIGHTLY.id), id(OPS.id)],
    filter: { ...FILTER_ON, taskIds: [], customProperties: [{ name: 'owner', value: 'finance' }] },
    starts: [NIGHTLY],
    expected: {
      tasksId: { started: started(NIGHTLY), invalid: [], denied: ids(OPS.id) },
      executions: executions(NIGHTLY),
    },
  },
  {
    name: 'filter on: a custom property name alone does not allow a task',
    items: [id(NIGHTLY.id)],
    filter: { ...FILTER_ON, taskIds: [], customProperties: [{ name: 'owner', value: 'sales' }] },
    starts: [],
    expected: { tasksId: { started: [], invalid: [], denied: ids(NIGHTLY.id) } },
  },
  {
    name: 'tags: every task of the tag, in QRS order (reference example)',
    items: [tag('startTask1')],
    starts: [APP1, APP2, APP3],
    expected: { tasksTag: started(APP1, APP2, APP3), executions: executions(APP1, APP2, APP3) },
  },
  {
    name: 'custom properties: a task matched twice is listed twice and started once (reference example)',
    items: [cp('taskGroup', 'tasks1'), cp('taskGroup', 'tasks2')],
    starts: [APP1, APP2, APP3],
    expected: { tasksCP: started(APP1, APP2, APP3, APP2), executions: executions(APP1, APP2, APP3) },
  },
  {
    name: 'filter on: tags and custom properties not on their allow-lists are denied, allowed ones start',
    items: [tag('startTask1'), tag('startTask2'), cp('taskGroup', 'tasks1'), cp('taskGroup', 'tasks2')],
    filter: { ...FILTER_ON, tags: ['startTask2'], customProperties: [{ name: 'taskGroup', value: 'tasks2' }] },
    starts: [APP3, APP2],
    expected: {
      tasksTag: started(APP3),
      tasksTagDenied: [{ tag: 'startTask1' }],
      tasksCP: started(APP2),
      tasksCPDenied: [{ name: 'taskGroup', value: 'tasks1' }],
      executions: executions(APP3, APP2),
    },
  },
  {
    name: 'filter on: the task id allow-list does not allow a tag whose tasks are all on it',
    items: [tag('startTask2')],
    filter: FILTER_ON,
    starts: [],
    expected: { tasksTagDenied: [{ tag: 'startTask2' }] },
  },
  {
    name: 'filter on: an injection attempt in a tag is just a denied tag',
    items: [tag("x' or name eq '*")],
    filter: { ...FILTER_ON, tags: ['startTask1'] },
    starts: [],
    expected: { tasksTagDenied: [{ tag: "x' or name eq '*" }] },
  },
  {
    name: 'a bit of everything: each task under every item that matched it, each started once (reference example)',
    urlTaskId: APP1.id,
    items: [
      id(APP2.id),
      id(APP3.id),
      tag('startTask1'),
      tag('startTask2'),
      cp('taskGroup', 'tasks1'),
      cp('taskGroup', 'tasks2'),
      kv('MyFineNamespace', 'AnImportantKey', 'TheValue', 10000),
      kv('MyFineNamespace', 'Foo', 'Bar'),
    ],
    allTaskIdsMustExist: true,
    starts: [APP1, APP2, APP3],
    expected: {
      tasksId: { started: started(APP1, APP2, APP3), invalid: [], denied: [] },
      tasksTag: started(APP1, APP2, APP3, APP3),
      tasksCP: started(APP1, APP2, APP3, APP2),
      executions: executions(APP1, APP2, APP3),
    },
  },
  {
    name: 'starts and executions follow request order, a tag item before an id item included',
    items: [tag('startTask2'), id(APP1.id), id(APP3.id)],
    starts: [APP3, APP1],
    expected: {
      tasksId: { started: started(APP1, APP3), invalid: [], denied: [] },
      tasksTag: started(APP3),
      executions: executions(APP3, APP1),
    },
  },
  {
    name: 'the same id twice is listed twice and started once',
    urlTaskId: APP1.id,
    items: [id(APP1.id)],
    starts: [APP1],
    expected: { tasksId: { started: started(APP1, APP1), invalid: [], denied: [] }, executions: executions(APP1) },
  },
  {
    name: 'a disabled task is not handed to QRS; it is reported failed and not started',
    items: [id(DISABLED.id), tag('disabledDemo')],
    starts: [],
    expected: {
      tasksFailed: [{ taskId: DISABLED.id, taskName: DISABLED.name, reason: DISABLED_REASON, backend: 'qlik-sense' }],
    },
  },
  {
    name: 'a start QRS refused is in tasksFailed only, under no started list',
    items: [id(APP1.id), tag('startTask1')],
    refusals: new Map([[APP2, 'QRS did not start the task']]),
    starts: [APP1, APP2, APP3],
    expected: {
      tasksId: { started: started(APP1), invalid: [], denied: [] },
      tasksTag: started(APP1, APP3),
      tasksFailed: [{ taskId: APP2.id, taskName: APP2.name, reason: 'QRS did not start the task', backend: 'qlik-sense' }],
      executions: executions(APP1, APP3),
    },
  },
  {
    name: 'key-value items alone start nothing',
    items: [kv('ns', 'k', 'v')],
    starts: [],
    expected: {},
  },
];

for (const c of CASES) {
  test(`plan: ${c.name}`, () => {
    const { toStart, response } = run(c);
    assert.deepEqual(toStart, c.starts);
    assert.deepEqual(response, { ...emptyResponse(), ...c.expected });
  });
}

test('plan: key-value pairs are written in request order, duplicates kept for the store to resolve', () => {
  const items = [kv('ns', 'a', '1', 10000), id(APP1.id), kv('ns', 'b', ''), kv('ns', 'a', '2')];
  const request: StartRequest = { urlTaskId: '-', items, allTaskIdsMustExist: false };
  const plan = planStart(request, FILTER_OFF, answer(request, FILTER_OFF));
  assert.deepEqual(plan.kvPairs, [
    { namespace: 'ns', key: 'a', value: '1', ttl: 10000 },
    { namespace: 'ns', key: 'b', value: '', ttl: 0 },
    { namespace: 'ns', key: 'a', value: '2', ttl: 0 },
  ]);
});

test('lookupNeeds: one id lookup for all distinct GUIDs; tags and custom properties once each, case-insensitively', () => {
  const request: StartRequest = {
    urlTaskId: APP1.id.toUpperCase(),
    items: [
      id(APP1.id),
      id('abc123'),
      id(APP2.id),
      tag('startTask1'),
      tag('STARTTASK1'),
      tag('nightly'),
      cp('taskGroup', 'tasks1'),
      cp('TASKGROUP', 'TASKS1'),
      cp('taskGroup', 'tasks2'),
      kv('ns', 'k', 'v'),
    ],
    allTaskIdsMustExist: false,
  };
  const needs = lookupNeeds(request, FILTER_OFF);
  assert.deepEqual(needs.taskIds, [APP1.id, APP2.id]);
  assert.deepEqual([...needs.tags.values()], ['startTask1', 'nightly']);
  assert.deepEqual([...needs.customProperties.values()], [
    { name: 'taskGroup', value: 'tasks1' },
    { name: 'taskGroup', value: 'tasks2' },
  ]);
});

test('lookupNeeds: with the filter on, denied tags and custom properties are never looked up; ids always are', () => {
  const request: StartRequest = {
    urlTaskId: NIGHTLY.id,
    items: [tag('startTask1'), tag('startTask2'), cp('taskGroup', 'tasks1'), cp('taskGroup', 'tasks2')],
    allTaskIdsMustExist: false,
  };
  const filter: StartTaskFilter = {
    enable: true,
    taskIds: [],
    tags: ['starttask2'],
    customProperties: [{ name: 'taskGroup', value: 'tasks2' }],
  };
  const needs = lookupNeeds(request, filter);
  assert.deepEqual(needs.taskIds, [NIGHTLY.id]);
  assert.deepEqual([...needs.tags.keys()], [tagKey('startTask2')]);
  assert.deepEqual([...needs.customProperties.keys()], [customPropertyKey('taskGroup', 'tasks2')]);
});

test('lookupNeeds: nothing to look up for "-" and an empty body', () => {
  const needs = lookupNeeds({ urlTaskId: '-', items: [], allTaskIdsMustExist: true }, FILTER_ON);
  assert.deepEqual(needs, { taskIds: [], tags: new Map(), customProperties: new Map() });
});

test('planStart refuses lookup results that miss what lookupNeeds asked for (a programming error)', () => {
  const request: StartRequest = { urlTaskId: '-', items: [tag('startTask1')], allTaskIdsMustExist: false };
  const empty: LookupResults = { targetsById: new Map(), targetsByTag: new Map(), targetsByCustomProperty: new Map(), unavailable: [] };
  assert.throws(() => planStart(request, FILTER_OFF, empty), /No lookup result for tag startTask1/);
});

test('buildResponse: a selected task with no start result is failed, never started', () => {
  const request: StartRequest = { urlTaskId: APP1.id, items: [], allTaskIdsMustExist: false };
  const plan = planStart(request, FILTER_OFF, answer(request, FILTER_OFF));
  const response = buildResponse(plan, new Map());
  assert.deepEqual(response.tasksId.started, []);
  assert.deepEqual(response.executions, []);
  assert.deepEqual(response.tasksFailed, [{ taskId: APP1.id, taskName: APP1.name, reason: 'Start was not attempted', backend: 'qlik-sense' }]);
});
