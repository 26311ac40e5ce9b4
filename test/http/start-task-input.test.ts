/**
 * Start-task input handling end to end: bad bodies and queries, the bodies load scripts
 * send (method override, string TTLs), filter injection attempts, round trips to QRS,
 * log lines and the OpenAPI document.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { assertStartAnswer, call, FILTER_ON, idsOf, startedIds, startHarness, TASKS } from '../starttask/harness.js';

const { app1, app2, app3, operationsMonitor, nightly } = TASKS;
const NOTHING = { tasksId: { started: [], invalid: [], denied: [] }, tasksTag: [], tasksTagDenied: [], tasksCP: [], tasksCPDenied: [] };
const goodPair = { type: 'keyvaluestore', payload: { namespace: 'ns', key: 'k', value: 'v' } };
const startId = (taskId: string) => ({ type: 'starttaskid', payload: { taskId } });

const BAD_REQUESTS: { name: string; body?: unknown; query?: string; status: number; message: RegExp }[] = [
  { name: 'malformed JSON', body: '[{"type": "starttaskid", ', status: 400, message: /JSON/ },
  { name: 'a non-array body', body: '"starttaskid"', status: 400, message: /^body must be an array/ },
  {
    name: 'an unknown type after a good pair',
    body: [goodPair, { type: 'starttask', payload: {} }],
    status: 400,
    message: /^body\[1\]\.type must be one of/,
  },
  {
    name: 'a task id of the wrong type',
    body: [goodPair, startId(app2.taskId), { type: 'starttaskid', payload: { taskId: 42 } }],
    status: 400,
    message: /^body\[2\]\.payload\.taskId must be a string/,
  },
  {
    name: 'a payload that is not an object',
    body: [{ type: 'starttasktag', payload: 'startTask1' }],
    status: 400,
    message: /^body\[0\]\.payload must be an object/,
  },
  {
    name: 'a TTL that is not a number',
    body: [{ type: 'keyvaluestore', payload: { namespace: 'ns', key: 'k', value: 'v', ttl: 'ten' } }],
    status: 400,
    message: /^body\[0\]\.payload\.ttl must be a whole number of milliseconds \(got "ten"\)$/,
  },
  {
    name: 'a negative TTL',
    body: [goodPair, { type: 'keyvaluestore', payload: { namespace: 'ns', key: 'k', value: 'v', ttl: -60000 } }],
    status: 400,
    message: /^body\[1\]\.payload\.ttl must be 0 or more \(got -60000\)$/,
  },
  {
    name: 'a null value',
    body: [{ type: 'keyvaluestore', payload: { namespace: 'ns', key: 'k', value: null } }],
    status: 400,
    message: /^body\[0\]\.payload\.value must be a string \(got null\)$/,
  },
  {
    name: 'more items than startTask.maxItems',
    body: [goodPair, goodPair, goodPair, goodPair],
    status: 400,
    message: /^body must hold at most 3 items \(got 4\)/,
  },
  {
    name: 'a body over the size limit',
    body: [{ type: 'keyvaluestore', payload: { namespace: 'ns', key: 'k', value: 'x'.repeat(5000) } }],
    status: 413,
    message: /./,
  },
  { name: 'allTaskIdsMustExist that is not a boolean', query: '?allTaskIdsMustExist=maybe', body: [], status: 400, message: /allTaskIdsMustExist/ },
];

test('bad input: a 4xx naming the item and field; nothing looked up, written or started', async (t) => {
  const h = await startHarness(t, { settings: { startTask: { maxItems: 3 }, server: { bodyLimitBytes: 4096 } } });
  for (const bad of BAD_REQUESTS) {
    const answer = await call(h.base, `/v4/reloadtask/${app1.taskId}/start${bad.query ?? ''}`, { body: bad.body });
    assert.equal(answer.status, bad.status, `${bad.name}: ${JSON.stringify(answer.body)}`);
    assert.match(answer.contentType, /^application\/json/, bad.name);
    const body = answer.body as { statusCode: number; message: string };
    assert.equal(body.statusCode, bad.status, bad.name);
    assert.match(body.message, bad.message, bad.name);
  }
  assert.equal(h.sim.stats.requestCount(), 0);
  assert.deepEqual(await h.kv?.listNamespaces(), []);
});

test('no items: an absent body, an empty body, [] and {} start just the URL task', async (t) => {
  const h = await startHarness(t);
  const variants: { name: string; body?: unknown; headers?: Record<string, string> }[] = [
    { name: 'absent' },
    { name: 'empty with a JSON content type', body: '' },
    { name: '[]', body: [] },
    { name: '{}', body: {} },
  ];
  for (const variant of variants) {
    h.sim.stats.reset();
    const answer = await call(h.base, `/v4/reloadtask/${app1.taskId}/start`, variant);
    assertStartAnswer(answer, { ...NOTHING, tasksId: { started: [app1], invalid: [], denied: [] } }, { started: [app1] });
    assert.deepEqual(startedIds(h.sim), idsOf(app1), variant.name);
  }
});

test('load script: POST with X-HTTP-Method-Override: PUT and string TTLs, pairs read back from the store', async (t) => {
  const h = await startHarness(t);
  const body =
    '[{"type":"keyvaluestore","payload":{"namespace":"Sales app","key":"runDate","value":"2024-05-01","ttl":"10000"}},' +
    '{"type":"keyvaluestore","payload":{"namespace":"Sales app","key":"mode","value":"","ttl":""}}]';
  const answer = await call(h.base, `/v4/reloadtask/${operationsMonitor.taskId}/start`, {
    method: 'POST',
    body,
    headers: { 'X-HTTP-Method-Override': 'PUT' },
  });
  assertStartAnswer(
    answer,
    { ...NOTHING, tasksId: { started: [operationsMonitor], invalid: [], denied: [] } },
    { started: [operationsMonitor] },
  );
  assert.deepEqual(startedIds(h.sim), idsOf(operationsMonitor));
  assert.deepEqual(await h.kv?.get('Sales app', 'runDate'), { namespace: 'Sales app', key: 'runDate', value: '2024-05-01', ttl: 10000 });
  assert.deepEqual(await h.kv?.get('Sales app', 'mode'), { namespace: 'Sales app', key: 'mode', value: '', ttl: 0 });
});

test('a plain POST starts tasks too, as Butler serves it', async (t) => {
  const h = await startHarness(t);
  const answer = await call(h.base, `/v4/reloadtask/${app3.taskId}/start`, { method: 'POST', body: [] });
  assertStartAnswer(answer, { ...NOTHING, tasksId: { started: [app3], invalid: [], denied: [] } }, { started: [app3] });
  assert.deepEqual(startedIds(h.sim), idsOf(app3));
});

const INJECTED_TAGS = ["x' or name eq '*", "startTask1' or tags.name eq 'nightly", "') or (id ne '"];

test('filter off: injection attempts in tags and custom properties match nothing and start nothing', async (t) => {
  const h = await startHarness(t);
  const answer = await call(h.base, '/v4/reloadtask/-/start', {
    body: [
      ...INJECTED_TAGS.map((tag) => ({ type: 'starttasktag', payload: { tag } })),
      {
        type: 'starttaskcustomproperty',
        payload: { customPropertyName: "taskGroup' or customProperties.value eq 'tasks1", customPropertyValue: 'x' },
      },
      {
        type: 'starttaskcustomproperty',
        payload: { customPropertyName: 'taskGroup', customPropertyValue: "tasks1' or name ne '" },
      },
    ],
  });
  assertStartAnswer(answer, NOTHING, { started: [] });
  assert.deepEqual(startedIds(h.sim), []);

  // Control: quotes and URL-special characters do reach QRS intact when they are the real tag.
  const real = await call(h.base, '/v4/reloadtask/-/start', {
    body: [{ type: 'starttasktag', payload: { tag: "Q1'25 & more #1 50%/?" } }],
  });
  const q1 = { taskId: '9c3e5a71-2b4d-4e8f-a6c0-7d1b3f5e9a03', taskName: "Reload task of Q1'25 report" };
  assertStartAnswer(real, { ...NOTHING, tasksTag: [q1] }, { started: [q1] });
});

test('filter on: tags and custom properties off the allow-lists are denied without a lookup', async (t) => {
  const h = await startHarness(t, {
    settings: {
      startTask: { filter: { ...FILTER_ON, tags: ['startTask2'], customProperties: [{ name: 'taskGroup', value: 'tasks2' }] } },
    },
  });
  const injected = "startTask2' or tags.name eq 'nightly";
  const answer = await call(h.base, '/v4/reloadtask/-/start', {
    body: [
      { type: 'starttasktag', payload: { tag: injected } },
      { type: 'starttasktag', payload: { tag: 'nightly' } },
      { type: 'starttaskcustomproperty', payload: { customPropertyName: 'taskGroup', customPropertyValue: 'tasks1' } },
      { type: 'starttasktag', payload: { tag: 'startTask2' } },
      { type: 'starttaskcustomproperty', payload: { customPropertyName: 'taskGroup', customPropertyValue: 'tasks2' } },
    ],
  });
  assertStartAnswer(
    answer,
    {
      ...NOTHING,
      tasksTag: [app3],
      tasksTagDenied: [{ tag: injected }, { tag: 'nightly' }],
      tasksCP: [app2],
      tasksCPDenied: [{ name: 'taskGroup', value: 'tasks1' }],
    },
    { started: [app3, app2] },
  );
  assert.deepEqual(startedIds(h.sim), idsOf(app2, app3));
  assert.equal(h.sim.stats.requestCount({ method: 'GET' }), 2, 'one lookup per allowed tag or custom property');
});

test('round trips: 10 ids + 2 tags + 2 custom properties = one lookup each for ids, tags and custom properties, one start per task', async (t) => {
  const h = await startHarness(t);
  const tenIds = [
    app1.taskId,
    app2.taskId,
    app3.taskId,
    operationsMonitor.taskId,
    nightly.taskId,
    '6a0c4f2d-3e5b-4c71-8d9a-0b2e7f4c1d02',
    '9c3e5a71-2b4d-4e8f-a6c0-7d1b3f5e9a03',
    '4f8b2c6d-7a1e-4d3b-b5f9-8e0a2c4d6f04',
    'b7d1e3f5-9a2c-4b6e-8d0f-1a3c5e7b9d05',
    'c5e9a1b3-4d6f-4a8c-9e2b-3d5f7a9c1e06',
  ];
  const answer = await call(h.base, '/v4/reloadtask/-/start', {
    body: [
      ...tenIds.map(startId),
      { type: 'starttasktag', payload: { tag: 'startTask1' } },
      { type: 'starttasktag', payload: { tag: 'nightly' } },
      { type: 'starttaskcustomproperty', payload: { customPropertyName: 'taskGroup', customPropertyValue: 'tasks1' } },
      { type: 'starttaskcustomproperty', payload: { customPropertyName: 'dept', customPropertyValue: 'sales' } },
    ],
  });
  assert.equal(answer.status, 200);
  const filters = h.sim.stats.requests
    .filter((r) => r.method === 'GET')
    .map((r) => new URLSearchParams(r.query).get('filter') ?? '');
  assert.equal(filters.filter((f) => f.startsWith('id eq')).length, 1, 'all ids in one lookup');
  assert.equal(filters.length, 3, 'one lookup for both tags and one for both custom properties besides');
  assert.ok(filters.includes("(tags.name eq 'startTask1') or (tags.name eq 'nightly')"), filters.join('\n'));
  assert.ok(
    filters.includes(
      "((customProperties.definition.name eq 'taskGroup') and (customProperties.value eq 'tasks1')) or " +
        "((customProperties.definition.name eq 'dept') and (customProperties.value eq 'sales'))",
    ),
    filters.join('\n'),
  );
  assert.equal(h.sim.stats.requestCount({ method: 'POST' }), 10, 'each unique task started once');
  assert.deepEqual(startedIds(h.sim), [...tenIds].sort());
});

test('logging: one summary line with counts and caller, one line per start; no key-value value logged', async (t) => {
  const h = await startHarness(t, { settings: { startTask: { filter: FILTER_ON } } });
  const value = 'value-that-must-never-be-logged';
  const answer = await call(h.base, `/v4/reloadtask/${app1.taskId}/start`, {
    body: [
      { type: 'keyvaluestore', payload: { namespace: 'ns', key: 'k', value } },
      startId('abc123'),
      startId(nightly.taskId),
      { type: 'starttasktag', payload: { tag: 'startTask1' } },
    ],
  });
  assert.equal(answer.status, 200);
  const lines = h.logLines().map((line) => JSON.parse(line) as Record<string, unknown>);
  const summaries = lines.filter((l) => String(l.message).startsWith('Start-task request from'));
  assert.equal(summaries.length, 1);
  assert.deepEqual(
    { started: summaries[0]?.started, invalid: summaries[0]?.invalid, denied: summaries[0]?.denied, failed: summaries[0]?.failed, level: summaries[0]?.level },
    { started: 1, invalid: 1, denied: 2, failed: 0, level: 'info' },
  );
  assert.equal(summaries[0]?.clientIp, '127.0.0.1');
  const starts = lines.filter((l) => l.executionSessionId !== undefined);
  assert.equal(starts.length, 1);
  assert.equal(starts[0]?.taskId, app1.taskId);
  assert.equal(starts[0]?.taskName, app1.taskName);
  assert.equal(starts[0]?.executionSessionId, (answer.body as { executions: { executionSessionId: string }[] }).executions[0]?.executionSessionId);
  assert.ok(!h.logLines().some((line) => line.includes(value)), 'a key-value value reached the log');
});

test('OpenAPI: PUT and POST documented with the extension keys', async (t) => {
  const h = await startHarness(t);
  const doc = (await call(h.base, '/documentation/json', { method: 'GET' })).body as {
    paths: Record<string, Record<string, { responses: Record<string, { content: Record<string, { schema: { properties: Record<string, unknown> } }> }> }>>;
  };
  const path = doc.paths['/v4/reloadtask/{taskId}/start'];
  assert.ok(path?.put && path.post, 'both methods documented');
  const ok = path.put.responses['200']?.content['application/json']?.schema.properties ?? {};
  assert.deepEqual(Object.keys(ok), ['tasksId', 'tasksTag', 'tasksTagDenied', 'tasksCP', 'tasksCPDenied', 'tasksFailed', 'tasksUnconfirmed', 'executions', 'wait', 'keyValueItemsIgnored', 'backendsUnavailable', 'reloadVariablesIgnored']);
});
