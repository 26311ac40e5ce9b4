import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import { EMPTY_GUID } from '../../src/simulator/index.js';
import { startTestSimulator, type TestSimulator } from '../helpers/simulator.js';
import { jsonOf, qrsRequest, type QrsCall } from './qrs-request.js';

const APP1 = 'e3b27f50-b1c0-4879-88fc-c7cdd9c1cf3e';
const APP2 = '7552d9fc-d1bb-4975-9a38-18357de531ea';
const OPS_MONITOR = 'fbf645f0-0c92-40a4-af9a-6e3eb1d3c35c';
const DISABLED = '2d6f7b1e-8c34-4b0a-9f27-5e1c0a9d3b01';
const EXTERNAL_PROGRAM = '6a0c4f2d-3e5b-4c71-8d9a-0b2e7f4c1d02';
const UNKNOWN = '11111111-2222-4333-8444-555555555555';
const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

describe('simulator start endpoints', () => {
  let running: TestSimulator;
  before(async () => {
    running = await startTestSimulator();
  });
  after(() => running.close());
  beforeEach(() => running.sim.stats.reset());

  const post = (path: string, extra: Omit<QrsCall, 'path' | 'method'> = {}) =>
    qrsRequest(running.sim, running.certs, { method: 'POST', path, ...extra });

  it('start/synchronous answers 201 with a new session GUID and records the start', async () => {
    const first = await post(`/qrs/task/${APP1}/start/synchronous`);
    const second = await post(`/qrs/task/${APP1}/start/synchronous`);
    assert.equal(first.status, 201);
    const a = jsonOf<{ value: string }>(first).value;
    const b = jsonOf<{ value: string }>(second).value;
    assert.match(a, GUID);
    assert.notEqual(a, EMPTY_GUID);
    assert.notEqual(a, b, 'a session per start');
    assert.deepEqual(running.sim.stats.starts, [APP1, APP1]);
  });

  it('start/synchronous answers the empty GUID for a disabled task and does not start it', async () => {
    const answer = await post(`/qrs/task/${DISABLED}/start/synchronous`);
    assert.equal(answer.status, 201);
    assert.deepEqual(jsonOf(answer), { value: EMPTY_GUID });
    assert.deepEqual(running.sim.stats.starts, []);
  });

  it('start and start/synchronous answer 404 for an unknown id', async () => {
    assert.equal((await post(`/qrs/task/${UNKNOWN}/start/synchronous`)).status, 404);
    assert.equal((await post(`/qrs/task/${UNKNOWN}/start`)).status, 404);
    assert.equal((await post('/qrs/task/abc123/start')).status, 404);
    assert.deepEqual(running.sim.stats.starts, []);
  });

  it('start answers 204 with no body and records the start, for any task type', async () => {
    const answer = await post(`/qrs/task/${OPS_MONITOR}/start`);
    assert.equal(answer.status, 204);
    assert.equal(answer.text, '');
    assert.equal((await post(`/qrs/task/${EXTERNAL_PROGRAM}/start`)).status, 204);
    assert.deepEqual(running.sim.stats.starts, [OPS_MONITOR, EXTERNAL_PROGRAM]);
  });

  it('start of a disabled task answers 204 but starts nothing', async () => {
    assert.equal((await post(`/qrs/task/${DISABLED}/start`)).status, 204);
    assert.deepEqual(running.sim.stats.starts, []);
  });

  it('start is reachable with any path case and an upper-case id', async () => {
    assert.equal((await post(`/QRS/Task/${APP2.toUpperCase()}/Start/Synchronous`)).status, 201);
    assert.deepEqual(running.sim.stats.starts, [APP2]);
  });

  it('start/many answers 204, starts known enabled ids in order and skips unknown ones', async () => {
    const body = JSON.stringify([APP2, UNKNOWN, DISABLED, APP1]);
    const answer = await post('/qrs/task/start/many', { body });
    assert.equal(answer.status, 204);
    assert.deepEqual(running.sim.stats.starts, [APP2, APP1]);
  });

  it('start/many answers 400 for a body that is not an array of GUIDs', async () => {
    for (const body of ['{', '{"id":1}', '["abc123"]', '[1]']) {
      assert.equal((await post('/qrs/task/start/many', { body })).status, 400, body);
    }
    assert.deepEqual(running.sim.stats.starts, []);
  });

  it('answers 413 for a body over 1 MiB', async () => {
    const body = JSON.stringify(Array.from({ length: 30_000 }, () => APP1));
    assert.equal((await post('/qrs/task/start/many', { body })).status, 413);
    assert.deepEqual(running.sim.stats.starts, []);
  });

  it('start by name starts the named task, case-insensitively', async () => {
    const name = encodeURIComponent('reload task of app1');
    const answer = await post(`/qrs/task/start/synchronous?name=${name}`);
    assert.equal(answer.status, 201);
    assert.match(jsonOf<{ value: string }>(answer).value, GUID);
    assert.equal((await post(`/qrs/task/start?name=${encodeURIComponent('Reload Operations Monitor')}`)).status, 204);
    assert.equal((await post(`/qrs/task/start?name=${encodeURIComponent('No such task')}`)).status, 404);
    assert.deepEqual(running.sim.stats.starts, [APP1, OPS_MONITOR]);
  });

  it('start updates the reload task operational.lastExecutionResult', async () => {
    await post(`/qrs/task/${APP1}/start/synchronous`);
    const task = jsonOf<{ operational: { lastExecutionResult: { status: number; startTime: string } } }>(
      await qrsRequest(running.sim, running.certs, { path: `/qrs/reloadtask/${APP1}` }),
    );
    assert.equal(task.operational.lastExecutionResult.status, 7, 'FinishedSuccess');
    assert.notEqual(task.operational.lastExecutionResult.startTime, '1753-01-01T00:00:00.000Z');
  });

  it('start needs the xrfkey like every other call', async () => {
    assert.equal((await post(`/qrs/task/${APP1}/start`, { headerKey: null })).status, 403);
    assert.deepEqual(running.sim.stats.starts, []);
  });

  it('counts requests by method and path prefix', async () => {
    await post(`/qrs/task/${APP1}/start`);
    await post(`/QRS/task/${APP2}/start`);
    await qrsRequest(running.sim, running.certs, { path: '/qrs/about' });
    assert.equal(running.sim.stats.requestCount(), 3);
    assert.equal(running.sim.stats.requestCount({ method: 'post' }), 2);
    assert.equal(running.sim.stats.requestCount({ pathPrefix: '/qrs/task/' }), 2);
    assert.equal(running.sim.stats.requestCount({ method: 'GET', pathPrefix: '/qrs/task' }), 0);
  });
});
