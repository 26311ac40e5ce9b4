import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { QrsResponseError } from '../../src/qrs/index.js';
import type { QrsClient } from '../../src/qrs/types.js';
import { startTestSimulator, type TestSimulator } from '../helpers/simulator.js';
import { clientFor, tasksByIds, tasksByPair, tasksByTag } from './qrs-test-client.js';

const APP1 = 'e3b27f50-b1c0-4879-88fc-c7cdd9c1cf3e';
const APP2 = '7552d9fc-d1bb-4975-9a38-18357de531ea';
const APP3 = 'fb0f317d-da91-4b86-aafa-0174ae1e8c8f';
const DISABLED = '2d6f7b1e-8c34-4b0a-9f27-5e1c0a9d3b01';
const Q1_REPORT = '9c3e5a71-2b4d-4e8f-a6c0-7d1b3f5e9a03';
const FINANCE_SPLIT = '4f8b2c6d-7a1e-4d3b-b5f9-8e0a2c4d6f04';
const EXTRA_APP = 'b7d1e3f5-9a2c-4b6e-8d0f-1a3c5e7b9d05';
const OEKONOMI = 'c5e9a1b3-4d6f-4a8c-9e2b-3d5f7a9c1e06';
const SALES = '8b4fe424-d90c-493f-a61d-0ce91cd485c9';
const OPS_MONITOR = 'fbf645f0-0c92-40a4-af9a-6e3eb1d3c35c';
const UNKNOWN = '00000000-1111-2222-3333-444444444444';

let simulator: TestSimulator;

before(async () => {
  simulator = await startTestSimulator();
});
after(() => simulator.close());

function ids(tasks: readonly { id: string }[]): string[] {
  return tasks.map((task) => task.id).sort();
}

function newClient(t: Parameters<typeof clientFor>[0], overrides: Parameters<typeof clientFor>[2] = {}): QrsClient {
  simulator.sim.stats.reset();
  return clientFor(t, simulator, overrides);
}

test('about answers the build version', async (t) => {
  const qrs = newClient(t);
  const about = await qrs.about();
  assert.equal(typeof about.buildVersion, 'string');
  assert.ok(about.buildVersion.length > 0);
});

test('every request carries a fresh xrfkey in the query (the simulator checks the header matches)', async (t) => {
  const qrs = newClient(t);
  await qrs.about();
  await tasksByTag(qrs, 'startTask1');
  await qrs.startTask(APP1);
  const requests = simulator.sim.stats.requests;
  assert.equal(requests.length, 3);
  const keys = requests.map((request) => {
    assert.equal(request.status === 200 || request.status === 201, true, `${request.path} answered ${request.status}`);
    const key = new URLSearchParams(request.query).get('xrfkey');
    assert.match(key ?? '', /^[0-9A-Za-z]{16}$/);
    return key;
  });
  assert.equal(new Set(keys).size, 3);
});

test('id lookup: maps full objects, keyed by the ids as given', async (t) => {
  const qrs = newClient(t);
  const upperApp2 = APP2.toUpperCase();
  const tasks = await tasksByIds(qrs, [APP1, upperApp2, UNKNOWN, 'not-a-guid', APP1]);
  assert.deepEqual([...tasks.keys()], [APP1, upperApp2]);
  assert.deepEqual(tasks.get(upperApp2), {
    id: APP2,
    name: 'Reload task of App2',
    enabled: true,
    taskType: 0,
    tags: ['startTask1'],
    customProperties: [
      { name: 'taskGroup', value: 'tasks1' },
      { name: 'taskGroup', value: 'tasks2' },
    ],
  });
  assert.equal(simulator.sim.stats.requestCount({ method: 'GET', pathPrefix: '/qrs/task/full' }), 1);
});

test('id lookup: with no GUID among the ids asks QRS nothing', async (t) => {
  const qrs = newClient(t);
  assert.equal((await tasksByIds(qrs, ['abc123', ''])).size, 0);
  assert.equal(simulator.sim.stats.requests.length, 0);
});

test('id lookup: chunks long lists: 5 ids at 2 per lookup is 3 requests', async (t) => {
  const qrs = newClient(t, { maxIdsPerLookup: 2 });
  const wanted = [APP1, APP2, APP3, SALES, OPS_MONITOR];
  const tasks = await tasksByIds(qrs, [...wanted, APP3.toUpperCase()]);
  assert.deepEqual([...tasks.keys()].sort(), [...wanted, APP3.toUpperCase()].sort());
  assert.equal(simulator.sim.stats.requestCount({ method: 'GET', pathPrefix: '/qrs/task/full' }), 3);
});

test('tag lookup: compares case-insensitively and exactly (no prefix match)', async (t) => {
  const qrs = newClient(t);
  assert.deepEqual(ids(await tasksByTag(qrs, 'STARTTASK1')), [APP1, APP2, APP3].sort());
  assert.deepEqual(await tasksByTag(qrs, 'no such tag'), []);
});

test('custom property lookup: keeps only tasks where one property has both name and value', async (t) => {
  const qrs = newClient(t);
  // Finance split has dept=finance and costCenter=sales: QRS's filter matches it, the pair does not.
  assert.deepEqual(ids(await tasksByPair(qrs, 'dept', 'sales')), [EXTRA_APP]);
  assert.deepEqual(ids(await tasksByPair(qrs, 'costCenter', 'sales')), [FINANCE_SPLIT]);
  assert.deepEqual(ids(await tasksByPair(qrs, 'TASKGROUP', 'Tasks2')), [APP2]);
  assert.deepEqual(ids(await tasksByPair(qrs, 'taskGroup', 'tasks1')), [APP1, APP2, APP3].sort());
});

for (const quoteEscape of ['backslash', 'double'] as const) {
  test(`${quoteEscape} escaping: URL-special characters round-trip in tags and custom properties`, async (t) => {
    const qrs = newClient(t, { filterQuoteEscape: quoteEscape });
    assert.deepEqual(ids(await tasksByTag(qrs, 'Ärger / Ökonomi?')), [OEKONOMI]);
    assert.deepEqual(ids(await tasksByPair(qrs, 'region', 'Nörd Öst')), [Q1_REPORT]);
    assert.deepEqual(ids(await tasksByPair(qrs, 'REGION', 'süd west')), [OEKONOMI]);
  });
}

test('backslash escaping: a quote together with & # % / ? round-trips', async (t) => {
  const qrs = newClient(t, { filterQuoteEscape: 'backslash' });
  assert.deepEqual(ids(await tasksByTag(qrs, "Q1'25 & more #1 50%/?")), [Q1_REPORT]);
  assert.deepEqual(ids(await tasksByTag(qrs, "night's batch")), [OEKONOMI]);
});

test('double escaping: live QRS rejects a doubled quote, which must surface as an error, not "no tasks"', async (t) => {
  const qrs = newClient(t, { filterQuoteEscape: 'double', retries: 2 });
  const rejected = await tasksByTag(qrs, "night's batch").then(
    () => assert.fail('expected a QrsResponseError'),
    (error: unknown) => error,
  );
  assert.ok(rejected instanceof QrsResponseError);
  assert.equal(rejected.status, 400);
  assert.equal(rejected.code, 'ERR_QRS_RESPONSE');
  assert.equal(rejected.statusCode, 502);
  assert.equal(rejected.endpoint, '/qrs/task/full');
  assert.match(rejected.bodyExcerpt ?? '', /parse/i);
  // A 400 is not retried.
  assert.equal(simulator.sim.stats.requests.length, 1);
});

test('startTask: started, not started (disabled), not found, and invalid ids', async (t) => {
  const qrs = newClient(t);
  const started = await qrs.startTask(APP1);
  assert.equal(started.started, true);
  assert.match(started.started ? started.executionSessionId : '', /^[0-9a-f-]{36}$/);
  assert.notEqual(started.started ? started.executionSessionId : '', '00000000-0000-0000-0000-000000000000');

  assert.deepEqual(await qrs.startTask(DISABLED), {
    started: false,
    reason: 'QRS did not start the task (disabled, no scheduler or app unavailable)',
  });
  assert.deepEqual(await qrs.startTask(UNKNOWN), { started: false, reason: 'QRS: task not found' });
  assert.equal((await qrs.startTask('../about')).started, false);

  assert.deepEqual(simulator.sim.stats.starts, [APP1]);
  assert.equal(simulator.sim.stats.requestCount({ method: 'POST' }), 3);
});

