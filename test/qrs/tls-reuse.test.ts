/**
 * One QRS client, one kept-alive mutual-TLS connection: counted on the simulator's side
 * (completed TLS handshakes), for the client alone and through the service's HTTP API.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { startTestSimulator } from '../helpers/simulator.js';
import { qrsRequest } from '../simulator/qrs-request.js';
import { call, startHarness, TASKS } from '../starttask/harness.js';
import { clientFor } from './qrs-test-client.js';

test('the simulator counts every mutual-TLS handshake', async (t) => {
  const simulator = await startTestSimulator();
  t.after(() => simulator.close());
  // qrsRequest opens a fresh connection per call.
  for (let i = 0; i < 3; i++) assert.equal((await qrsRequest(simulator.sim, simulator.certs, { path: '/qrs/about' })).status, 200);
  assert.equal(simulator.sim.stats.tlsHandshakes.total, 3);
  simulator.sim.stats.reset();
  assert.deepEqual(simulator.sim.stats.tlsHandshakes, { total: 0, resumed: 0 });
});

test('sequential calls of the QRS client share one TLS connection: one handshake', async (t) => {
  const simulator = await startTestSimulator();
  t.after(() => simulator.close());
  const qrs = clientFor(t, simulator);
  await qrs.about();
  await qrs.findTasks({ taskIds: [TASKS.app1.taskId, TASKS.app2.taskId], tags: [], customProperties: [] });
  await qrs.findTasks({ taskIds: [], tags: ['startTask1'], customProperties: [] });
  await qrs.findTasks({ taskIds: [], tags: [], customProperties: [{ name: 'taskGroup', value: 'tasks1' }] });
  await qrs.startTask(TASKS.app1.taskId);
  await qrs.about();
  const { stats } = simulator.sim;
  assert.equal(stats.requestCount(), 6);
  assert.equal(stats.peakConnections, 1);
  // Normally exactly 1; a pause beyond the idle-socket timeout on a slow machine may add a
  // resumed one. A client without keep-alive does one per call.
  const { total, resumed } = stats.tlsHandshakes;
  assert.ok(total <= 2, `${total} TLS handshakes for 6 sequential calls`);
  assert.equal(total - resumed, 1, 'one full handshake; any later connection resumes the TLS session');
});

test('a new connection after a lost one resumes the TLS session instead of a full handshake', async (t) => {
  const simulator = await startTestSimulator();
  t.after(() => simulator.close());
  const qrs = clientFor(t, simulator);
  await qrs.about();
  simulator.sim.hooks.dropConnections = true;
  await assert.rejects(qrs.about());
  simulator.sim.hooks.dropConnections = false;
  await qrs.about();
  assert.deepEqual(simulator.sim.stats.tlsHandshakes, { total: 2, resumed: 1 });
});

test('through the service: sequential start requests reuse the one TLS connection to QRS', async (t) => {
  const h = await startHarness(t);
  for (let i = 0; i < 3; i++) {
    const answer = await call(h.base, `/v4/reloadtask/${TASKS.app1.taskId}/start`, {
      body: [{ type: 'starttasktag', payload: { tag: 'nightly' } }],
    });
    assert.equal(answer.status, 200, JSON.stringify(answer.body));
  }
  const { stats } = h.sim;
  assert.ok(stats.requestCount() >= 6, `${stats.requestCount()} QRS requests`);
  // A request's calls may run concurrently on a few connections; never one connection per call.
  const { total, resumed } = stats.tlsHandshakes;
  assert.ok(total < stats.requestCount() / 2, `${total} TLS handshakes for ${stats.requestCount()} QRS requests`);
  assert.ok(total - resumed <= stats.peakConnections, `${total - resumed} full handshakes, ${stats.peakConnections} connections at most`);
});
