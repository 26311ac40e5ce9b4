import assert from 'node:assert/strict';
import { after, afterEach, before, describe, it } from 'node:test';
import type { RunningSimulator } from '../../src/simulator/index.js';
import { startTestSimulator, type TestSimulator } from '../helpers/simulator.js';
import { waitUntil } from '../helpers/wait.js';
import { jsonOf, qrsRequest } from './qrs-request.js';

const APP1 = 'e3b27f50-b1c0-4879-88fc-c7cdd9c1cf3e';
const APP2 = '7552d9fc-d1bb-4975-9a38-18357de531ea';

function untilRecorded(sim: RunningSimulator, count: number): Promise<void> {
  return waitUntil(() => sim.stats.requestCount() >= count, `${count} request(s) recorded by the simulator`);
}

describe('simulator hooks', () => {
  let running: TestSimulator;
  before(async () => {
    running = await startTestSimulator();
  });
  after(() => running.close());
  afterEach(() => {
    const { hooks, stats } = running.sim;
    hooks.latencyMs = 0;
    hooks.failingStartIds.clear();
    hooks.failAllWith = null;
    hooks.dropConnections = false;
    stats.reset();
  });

  const post = (path: string, body?: string) =>
    qrsRequest(running.sim, running.certs, { method: 'POST', path, ...(body === undefined ? {} : { body }) });

  it('failingStartIds makes starts of those tasks answer 500 without starting them', async () => {
    running.sim.hooks.failingStartIds.add(APP1.toUpperCase());
    assert.equal((await post(`/qrs/task/${APP1}/start/synchronous`)).status, 500);
    assert.equal((await post(`/qrs/task/${APP1}/start`)).status, 500);
    assert.equal((await post('/qrs/task/start/many', JSON.stringify([APP2, APP1]))).status, 500);
    assert.deepEqual(running.sim.stats.starts, [], 'nothing started, not even APP2 of the batch');

    const other = await post(`/qrs/task/${APP2}/start/synchronous`);
    assert.equal(other.status, 201);
    running.sim.hooks.failingStartIds.clear();
    assert.equal((await post(`/qrs/task/${APP1}/start`)).status, 204);
    assert.deepEqual(running.sim.stats.starts, [APP2, APP1]);
  });

  it('failAllWith answers every request with that status, before the xrfkey check', async () => {
    running.sim.hooks.failAllWith = 503;
    assert.equal((await qrsRequest(running.sim, running.certs, { path: '/qrs/about' })).status, 503);
    assert.equal((await qrsRequest(running.sim, running.certs, { path: '/qrs/about', headerKey: null })).status, 503);
    assert.equal((await post(`/qrs/task/${APP1}/start`)).status, 503);
    assert.deepEqual(running.sim.stats.starts, []);
    assert.deepEqual(
      running.sim.stats.requests.map((r) => r.status),
      [503, 503, 503],
    );
    running.sim.hooks.failAllWith = null;
    assert.equal((await qrsRequest(running.sim, running.certs, { path: '/qrs/about' })).status, 200);
  });

  it('dropConnections destroys the socket without an answer', async () => {
    running.sim.hooks.dropConnections = true;
    await assert.rejects(qrsRequest(running.sim, running.certs, { path: '/qrs/about' }), (err: NodeJS.ErrnoException) => {
      assert.match(`${err.code} ${err.message}`, /ECONNRESET|socket hang up/);
      return true;
    });
    await assert.rejects(post(`/qrs/task/${APP1}/start`));
    assert.deepEqual(running.sim.stats.starts, [], 'a dropped start starts nothing');
    assert.deepEqual(
      running.sim.stats.requests.map((r) => r.status),
      [0, 0],
    );
    running.sim.hooks.dropConnections = false;
    assert.equal((await qrsRequest(running.sim, running.certs, { path: '/qrs/about' })).status, 200);
  });

  it('latencyMs holds the answer back until that long after the request arrived', async () => {
    const latencyMs = 300;
    running.sim.hooks.latencyMs = latencyMs;
    const sent = performance.now();
    // What the simulator had done when the answer arrived: read at that moment, no timing.
    const pending = post(`/qrs/task/${APP1}/start/synchronous`).then((answer) => ({
      answer,
      elapsedMs: performance.now() - sent,
      recorded: running.sim.stats.requestCount(),
      starts: [...running.sim.stats.starts],
    }));
    const { answer, elapsedMs, recorded, starts } = await pending;
    assert.equal(recorded, 1, 'handled and recorded before the answer arrived');
    assert.deepEqual(starts, [APP1], 'the task started before the answer left');
    // A lower bound only: a slow machine makes the answer later, never earlier.
    assert.ok(elapsedMs >= latencyMs - 1, `answered after ${elapsedMs} ms, before the ${latencyMs} ms latency`);
    assert.equal(answer.status, 201);
    assert.ok(jsonOf<{ value: string }>(answer).value);
  });

  it('close() does not wait for an answer held back by latency', async (t) => {
    const own = await startTestSimulator();
    t.after(() => own.close());
    own.sim.hooks.latencyMs = 10 * 60 * 1000;
    const pending = qrsRequest(own.sim, own.certs, { path: '/qrs/about' });
    await untilRecorded(own.sim, 1);
    await own.sim.close();
    await assert.rejects(pending);
  });
});
