import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startTestSimulator, type TestSimulator } from '../helpers/simulator.js';
import { jsonOf, qrsRequest, withFilter, type QrsCall } from './qrs-request.js';

const APP1 = 'e3b27f50-b1c0-4879-88fc-c7cdd9c1cf3e';
const APP2 = '7552d9fc-d1bb-4975-9a38-18357de531ea';
const APP3 = 'fb0f317d-da91-4b86-aafa-0174ae1e8c8f';
const Q125_REPORT = '9c3e5a71-2b4d-4e8f-a6c0-7d1b3f5e9a03';
const FINANCE_SPLIT = '4f8b2c6d-7a1e-4d3b-b5f9-8e0a2c4d6f04';
const EXTERNAL_PROGRAM = '6a0c4f2d-3e5b-4c71-8d9a-0b2e7f4c1d02';
const UNKNOWN = '11111111-2222-4333-8444-555555555555';

interface FullTask {
  id: string;
  name: string;
  taskType: number;
  enabled: boolean;
  tags: { id: string; name: string }[];
  customProperties: { id: string; value: string; definition: { id: string; name: string } }[];
  app?: { id: string; name: string };
  operational: { lastExecutionResult: { status: number; startTime: string } };
  isManuallyTriggered: boolean;
  modifiedDate: string;
  schemaPath: string;
}

describe('simulator read endpoints', () => {
  let running: TestSimulator;
  before(async () => {
    running = await startTestSimulator();
  });
  after(() => running.close());

  const get = (path: string, extra: Omit<QrsCall, 'path'> = {}) =>
    qrsRequest(running.sim, running.certs, { path, ...extra });
  const ids = async (path: string, filter: string): Promise<string[]> => {
    const answer = await get(withFilter(path, filter));
    assert.equal(answer.status, 200, answer.text);
    return jsonOf<{ id: string }[]>(answer).map((task) => task.id);
  };

  it('GET /qrs/about answers the About object as JSON', async () => {
    const answer = await get('/qrs/about');
    assert.equal(answer.status, 200);
    assert.match(String(answer.headers['content-type']), /^application\/json/);
    const about = jsonOf<Record<string, unknown>>(answer);
    assert.equal(typeof about.buildVersion, 'string');
    assert.equal(about.nodeType, 1);
    assert.equal(about.schemaPath, 'About');
  });

  it('GET /qrs/task answers condensed tasks of every type, in fixture order', async () => {
    const tasks = jsonOf<Record<string, unknown>[]>(await get('/qrs/task'));
    assert.equal(tasks.length, 11);
    assert.deepEqual(Object.keys(tasks[0] ?? {}).sort(), ['enabled', 'id', 'name', 'privileges', 'taskType']);
    assert.deepEqual(tasks.slice(0, 3).map((t) => t.id), [APP1, APP2, APP3]);
    assert.ok(tasks.some((t) => t.taskType === 1));
  });

  it('GET /qrs/task/full answers full objects with tags, custom properties, app and operational', async () => {
    const [app2] = jsonOf<FullTask[]>(await get(withFilter('/qrs/task/full', `id eq ${APP2}`)));
    assert.ok(app2);
    assert.equal(app2.name, 'Reload task of App2');
    assert.equal(app2.schemaPath, 'ReloadTask');
    assert.deepEqual(app2.tags.map((t) => t.name), ['startTask1']);
    assert.deepEqual(
      app2.customProperties.map((cp) => [cp.definition.name, cp.value]),
      [
        ['taskGroup', 'tasks1'],
        ['taskGroup', 'tasks2'],
      ],
    );
    assert.equal(app2.customProperties[0]?.definition.id, app2.customProperties[1]?.definition.id, 'one definition');
    assert.notEqual(app2.customProperties[0]?.id, app2.customProperties[1]?.id, 'two values');
    assert.equal(app2.app?.name, 'App2');
    assert.equal(app2.isManuallyTriggered, false);
    assert.equal(app2.operational.lastExecutionResult.startTime, '1753-01-01T00:00:00.000Z');
  });

  it('gives a tag the same id on every task that carries it', async () => {
    const tasks = jsonOf<FullTask[]>(await get(withFilter('/qrs/task/full', "tags.name eq 'startTask1'")));
    const tagIds = new Set(tasks.map((t) => t.tags.find((tag) => tag.name === 'startTask1')?.id));
    assert.equal(tagIds.size, 1);
  });

  it('GET /qrs/reloadtask/full answers reload tasks only', async () => {
    const tasks = jsonOf<FullTask[]>(await get('/qrs/reloadtask/full'));
    assert.equal(tasks.length, 10);
    assert.ok(tasks.every((t) => t.taskType === 0 && t.app !== undefined));
    assert.deepEqual(await ids('/qrs/reloadtask', `id eq ${EXTERNAL_PROGRAM}`), []);
    assert.deepEqual(await ids('/qrs/task', `id eq ${EXTERNAL_PROGRAM}`), [EXTERNAL_PROGRAM]);
  });

  it('GET /qrs/reloadtask/{id} answers one object, 404 for unknown or non-reload ids', async () => {
    const answer = await get(`/qrs/reloadtask/${APP1}`);
    assert.equal(answer.status, 200);
    assert.equal(jsonOf<FullTask>(answer).name, 'Reload task of App1');
    assert.equal((await get(`/qrs/reloadtask/${UNKNOWN}`)).status, 404);
    assert.equal((await get(`/qrs/reloadtask/${EXTERNAL_PROGRAM}`)).status, 404);
  });

  it('GET /qrs/task/{id} does not exist, as in real QRS', async () => {
    assert.equal((await get(`/qrs/task/${APP1}`)).status, 404);
  });

  it('treats paths case-insensitively', async () => {
    assert.equal((await get(`/QRS/ReloadTask/${APP1.toUpperCase()}`)).status, 200);
    assert.equal((await get('/QRS/About')).status, 200);
  });

  it('filters by tag without prefix matching (StartTask1Extra is not startTask1)', async () => {
    assert.deepEqual(await ids('/qrs/task', "tags.name eq 'startTask1'"), [APP1, APP2, APP3]);
    assert.deepEqual(await ids('/qrs/task', "tags.name eq 'starttask2'"), [APP3]);
  });

  it('filters by custom property value, reproducing the reference document', async () => {
    const filter = (value: string) =>
      `customProperties.definition.name eq 'taskGroup' and customProperties.value eq '${value}'`;
    assert.deepEqual(await ids('/qrs/task/full', filter('tasks1')), [APP1, APP2, APP3]);
    assert.deepEqual(await ids('/qrs/task/full', filter('tasks2')), [APP2]);
  });

  it('matches name and value of custom properties independently, as QRS is reported to', async () => {
    // The finance task has dept=finance and costCenter=sales; the extra task has dept=sales.
    const found = await ids('/qrs/task/full', "customProperties.definition.name eq 'dept' and customProperties.value eq 'sales'");
    assert.ok(found.includes(FINANCE_SPLIT), 'pair split across two properties still matches');
    assert.equal(found.length, 2);
  });

  it('finds values with quote, &, #, %, /, ? and non-ASCII when the filter is URL-encoded', async () => {
    assert.deepEqual(await ids('/qrs/task', "tags.name eq 'Q1\\'25 & more #1 50%/?'"), [Q125_REPORT]);
    assert.deepEqual(await ids('/qrs/task/full', "customProperties.value eq 'nörd öst'"), [Q125_REPORT]);
  });

  it('combines or, and and parentheses', async () => {
    assert.deepEqual(await ids('/qrs/task', `id eq ${APP3} or id eq ${APP1}`), [APP1, APP3]);
    assert.deepEqual(
      await ids('/qrs/task', `(tags.name eq 'startTask2' or tags.name eq 'nightly') and enabled eq true`),
      [APP3, '8b4fe424-d90c-493f-a61d-0ce91cd485c9'],
    );
  });

  const badFilters: [string, string, RegExp][] = [
    ['doubled quote', "tags.name eq 'night''s batch'", /^Cannot parse the expression/],
    ['non-GUID id', 'id eq abc123', /^Cannot parse the expression/],
    ['unknown property', "colour eq 'red'", /^Cannot parse the expression/],
    ['empty parentheses', '()', /^Invalid expression$/],
  ];
  for (const [why, filter, message] of badFilters) {
    it(`answers 400 for a ${why}`, async () => {
      const answer = await get(withFilter('/qrs/task', filter));
      assert.equal(answer.status, 400);
      assert.match(answer.text, message);
    });
  }

  it('accepts the backslash escape where it refuses the doubled quote', async () => {
    assert.deepEqual(await ids('/qrs/task', "tags.name eq 'night\\'s batch'"), ['c5e9a1b3-4d6f-4a8c-9e2b-3d5f7a9c1e06']);
  });

  it("answers 400 Missing parameter value(s) for an unencoded '&' in a value", async () => {
    const answer = await get(`/qrs/task?filter=tags.name%20eq%20'a%20&%20b'`);
    assert.equal(answer.status, 400);
    assert.equal(answer.text, 'Missing parameter value(s)');
  });

  it("answers 400 for an unencoded '%' that cannot be decoded", async () => {
    const answer = await get(`/qrs/task?filter=tags.name%20eq%20'50%'`);
    assert.equal(answer.status, 400);
  });

  it('answers 404 for an unknown path, and after the xrfkey check', async () => {
    assert.equal((await get('/qrs/nothing')).status, 404);
    assert.equal((await get('/qrs/nothing', { headerKey: null })).status, 403);
  });

  it('answers a finished execution session with 404', async () => {
    assert.equal((await get(`/qrs/executionsession/${UNKNOWN}`)).status, 404);
  });
});
