/** The simulator's in-flight and connection peaks, measured with plain node:https calls. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { RunningSimulator } from '../../src/simulator/index.js';
import { startTestSimulator } from '../helpers/simulator.js';
import { waitUntil } from '../helpers/wait.js';
import { qrsRequest } from './qrs-request.js';

const APP1 = 'e3b27f50-b1c0-4879-88fc-c7cdd9c1cf3e';

function untilNoConnectionOpen(sim: RunningSimulator): Promise<void> {
  return waitUntil(() => sim.stats.openConnections === 0, () => `no open connection (${sim.stats.openConnections} open)`);
}

test('peakInFlight and peakConnections count what overlapped since the last reset', async (t) => {
  const simulator = await startTestSimulator();
  t.after(() => simulator.close());
  const { sim, certs } = simulator;
  // Long enough that three calls sent together are all being answered at once.
  sim.hooks.latencyMs = 300;

  const answers = await Promise.all([
    qrsRequest(sim, certs, { path: '/qrs/about' }),
    qrsRequest(sim, certs, { path: '/qrs/task/full' }),
    qrsRequest(sim, certs, { method: 'POST', path: `/qrs/task/${APP1}/start/synchronous` }),
  ]);
  assert.deepEqual(answers.map((a) => a.status), [200, 200, 201]);
  assert.equal(sim.stats.peakInFlight(), 3);
  assert.equal(sim.stats.peakInFlight({ method: 'GET' }), 2);
  assert.equal(sim.stats.peakInFlight({ method: 'post', pathPrefix: '/QRS/task/' }), 1);
  assert.equal(sim.stats.peakInFlight({ pathPrefix: '/qrs/executionsession' }), 0);
  // Each call came on a connection of its own (no agent, so no keep-alive).
  assert.equal(sim.stats.peakConnections, 3);

  await untilNoConnectionOpen(sim);
  sim.stats.reset();
  assert.equal(sim.stats.peakInFlight(), 0);
  assert.equal(sim.stats.peakConnections, 0);

  sim.hooks.latencyMs = 0;
  for (let i = 0; i < 3; i += 1) {
    assert.equal((await qrsRequest(sim, certs, { path: '/qrs/about' })).status, 200);
    await untilNoConnectionOpen(sim);
  }
  assert.equal(sim.stats.requestCount(), 3);
  assert.equal(sim.stats.peakInFlight(), 1, 'one call after the other never overlaps');
  assert.equal(sim.stats.peakConnections, 1);
});

test('a request still being answered at a reset counts from the reset on', async (t) => {
  const simulator = await startTestSimulator();
  t.after(() => simulator.close());
  const { sim, certs } = simulator;
  sim.hooks.latencyMs = 300;
  const slow = qrsRequest(sim, certs, { path: '/qrs/about' });
  await waitUntil(() => sim.stats.requestCount() > 0, 'the call at the simulator');
  sim.stats.reset();
  assert.equal(sim.stats.peakInFlight(), 1);
  assert.equal(sim.stats.peakConnections, 1);
  assert.equal((await slow).status, 200);
  assert.equal(sim.stats.peakInFlight(), 1);
});
