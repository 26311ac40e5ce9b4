/**
 * Custom properties are matched as name/value pairs, end to end. QRS (and the simulator,
 * which behaves like it) matches `customProperties.definition.name` and
 * `customProperties.value` independently, so a task with dept=finance and costCenter=sales
 * comes back for dept=sales. It must be neither listed nor started.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { startTestSimulator } from '../helpers/simulator.js';
import { jsonOf, qrsRequest } from '../simulator/qrs-request.js';
import { assertStartAnswer, call, idsOf, startedIds, startHarness } from '../starttask/harness.js';

const extraApp = { taskId: 'b7d1e3f5-9a2c-4b6e-8d0f-1a3c5e7b9d05', taskName: 'Reload task of Extra app' }; // dept=sales
const financeSplit = { taskId: '4f8b2c6d-7a1e-4d3b-b5f9-8e0a2c4d6f04', taskName: 'Reload task of Finance split' }; // dept=finance, costCenter=sales
const NO_IDS = { tasksId: { started: [], invalid: [], denied: [] }, tasksTag: [], tasksTagDenied: [], tasksCPDenied: [] };

test('dept=sales starts only the task whose dept is sales, not one with dept=finance and costCenter=sales', async (t) => {
  const simulator = await startTestSimulator();
  t.after(() => simulator.close());
  const h = await startHarness(t, { simulator });
  const answer = await call(h.base, '/v4/reloadtask/-/start', {
    body: [{ type: 'starttaskcustomproperty', payload: { customPropertyName: 'dept', customPropertyValue: 'sales' } }],
  });
  assertStartAnswer(answer, { ...NO_IDS, tasksCP: [extraApp] }, { started: [extraApp] });
  assert.deepEqual(startedIds(h.sim), idsOf(extraApp));

  // QRS's answer to the service's own lookup holds the wrong match: only the pairing kept it out.
  const lookups = h.sim.stats.requests.filter((request) => request.method === 'GET');
  assert.equal(lookups.length, 1, 'one custom-property lookup reached QRS');
  const filter = new URLSearchParams(lookups[0]!.query).get('filter') ?? assert.fail('the lookup has a filter');
  const replay = await qrsRequest(h.sim, simulator.certs, { path: `/qrs/task/full?filter=${encodeURIComponent(filter)}` });
  assert.deepEqual(
    jsonOf<{ id: string }[]>(replay).map((task) => task.id).sort(),
    idsOf(extraApp, financeSplit),
    'QRS matches the name and the value apart',
  );
  assert.ok(!startedIds(h.sim).includes(financeSplit.taskId), 'the task matched by name and value apart was not started');
  const body = answer.body as { tasksCP: { taskId: string }[]; executions: { taskId: string }[] };
  assert.ok(!JSON.stringify(body).includes(financeSplit.taskId), 'the task matched by name and value apart is not listed anywhere');
});
