/**
 * Waits across both backends on the real per-backend pollers, each reading from a stand-in
 * (the function it is given): the wait ends when both parts have, the worse outcome wins,
 * states and poll errors are told apart by backend, and observed events reach Qlik Cloud's part.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import winston from 'winston';
import { cloudSnapshotOf, snapshotOf, type ExecutionSnapshot } from '../../src/executions/index.js';
import { createBackendPollers } from '../../src/waiting/backend-pollers.js';
import { createExecutionPoller, type ReadExecutionStates } from '../../src/waiting/poller.js';
import { followKey } from '../../src/waiting/targets.js';

const silent = winston.createLogger({ silent: true });
const SESSION = '6a7e1c0b-2f4d-4e9a-8b3c-5d1f0e2a4c67';
const TASK = 'e3b27f50-b1c0-4879-88fc-c7cdd9c1cf3e';
const RELOAD = '65f1c2d3e4a5b6c7d8e9f0a1';
const APP = '5a1e0c3b-7f2d-4c61-9b8e-2d4f6a8c0001';

const qrsFinished = snapshotOf(SESSION, undefined, {
  id: 'f0e1d2c3-b4a5-4697-8877-665544332211',
  createdTime: '2026-12-01T06:00:00.000Z',
  executionId: SESSION,
  taskId: TASK,
  status: 7,
  startTime: '2026-12-01T06:00:00.000Z',
  stopTime: '2026-12-01T06:00:02.000Z',
  durationMs: 2000,
  fileReferenceId: null,
}, new Map()) as ExecutionSnapshot;

const cloudReload = (status: string) =>
  cloudSnapshotOf({ id: RELOAD, appId: APP, status, partial: false, creationTime: null, startTime: '2026-12-01T06:00:00.000Z', endTime: status === 'RELOADING' ? null : '2026-12-01T06:00:03.000Z', log: null }, null);

function reader(states: Map<string, ExecutionSnapshot>, failure?: Error): ReadExecutionStates {
  return async (ids) => {
    if (failure) throw failure;
    return new Map(ids.flatMap((id) => (states.has(id) ? [[id, states.get(id) as ExecutionSnapshot]] : [])));
  };
}

function pollers(qrsStates: Map<string, ExecutionSnapshot>, cloudStates: Map<string, ExecutionSnapshot>, cloudFailure?: Error) {
  const options = { logger: silent, minIntervalMs: 5, maxIntervalMs: 10 };
  return createBackendPollers({
    'qlik-sense': createExecutionPoller({ read: reader(qrsStates), ...options }),
    'qlik-cloud': createExecutionPoller({ read: reader(cloudStates, cloudFailure), ...options, caseSensitiveIds: true }),
  });
}

const targets = [
  { backend: 'qlik-sense', id: SESSION.toUpperCase() },
  { backend: 'qlik-cloud', id: RELOAD },
] as const;

test('a wait on both backends ends when both are final; states by backend and id', async () => {
  const cloudStates = new Map([[RELOAD, cloudReload('RELOADING')]]);
  const both = pollers(new Map([[SESSION, qrsFinished]]), cloudStates);
  const waiting = both.wait(targets, { timeoutMs: 30_000 });
  setTimeout(() => cloudStates.set(RELOAD, cloudReload('SUCCEEDED')), 30);
  const result = await waiting;
  assert.equal(result.outcome, 'finished');
  assert.equal(result.states.get(followKey(targets[0]))?.answer.status, 'FinishedSuccess');
  assert.equal(result.states.get(followKey(targets[1]))?.answer.status, 'SUCCEEDED');
  assert.equal(result.pollErrors.size, 0);
  both.stop();
});

test('the worse part decides the outcome; poll errors name their backend', async () => {
  const both = pollers(new Map([[SESSION, qrsFinished]]), new Map(), new Error('Qlik Cloud GET /api/v1/reloads/{id} failed: status 503'));
  const result = await both.wait(targets, { timeoutMs: 200 });
  assert.equal(result.outcome, 'timeout');
  assert.equal(result.states.get(followKey(targets[0]))?.answer.status, 'FinishedSuccess');
  assert.deepEqual([...result.pollErrors.keys()], ['qlik-cloud']);
  both.stop();
});

test('an observed Qlik Cloud reload ends its part at once; a stopped poller ends every wait', async () => {
  const both = pollers(new Map([[SESSION, qrsFinished]]), new Map([[RELOAD, cloudReload('RELOADING')]]));
  const waiting = both.wait(targets, { timeoutMs: 30_000 });
  setTimeout(() => both.observe({ backend: 'qlik-cloud', id: RELOAD }, cloudReload('FAILED')), 30);
  const result = await waiting;
  assert.equal(result.outcome, 'finished');
  assert.equal(result.states.get(followKey(targets[1]))?.answer.status, 'FAILED');

  const stopped = both.wait([targets[1]], { timeoutMs: 30_000 });
  both.stop();
  assert.equal((await stopped).outcome, 'stopped');
});

test('Qlik Cloud reloads with Qlik Cloud off on this instance: reported as not followed, at once', async () => {
  const qrsOnly = createBackendPollers({ 'qlik-sense': createExecutionPoller({ read: reader(new Map([[SESSION, qrsFinished]])), logger: silent }) });
  const result = await qrsOnly.wait(targets, { timeoutMs: 30_000 });
  assert.equal(result.outcome, 'finished');
  assert.match(result.pollErrors.get('qlik-cloud')?.message ?? '', /Qlik Cloud is not enabled on this instance/);
  qrsOnly.stop();
});
