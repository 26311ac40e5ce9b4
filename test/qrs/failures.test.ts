import assert from 'node:assert/strict';
import { test } from 'node:test';
import { inspect } from 'node:util';
import { QrsResponseError, QrsTimeoutError, QrsUnavailableError } from '../../src/qrs/index.js';
import { createCapturingLogger } from '../helpers/logger.js';
import { startTestSimulator, type TestSimulator } from '../helpers/simulator.js';
import { clientFor, tasksByIds, tasksByTag } from './qrs-test-client.js';

const APP1 = 'e3b27f50-b1c0-4879-88fc-c7cdd9c1cf3e';
const APP2 = '7552d9fc-d1bb-4975-9a38-18357de531ea';

async function simulatorFor(t: { after(fn: () => Promise<void>): void }): Promise<TestSimulator> {
  const simulator = await startTestSimulator();
  t.after(() => simulator.close());
  return simulator;
}

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => assert.fail('expected a rejection'),
    (error: unknown) => error,
  );
}

function problemLines(lines: readonly string[]): { level: string; message: string }[] {
  return lines
    .map((line) => JSON.parse(line) as { level: string; message: string })
    .filter((entry) => entry.level === 'warn' || entry.level === 'error');
}

test('a 503 from QRS is retried, then becomes one QrsResponseError, logged once', async (t) => {
  const simulator = await simulatorFor(t);
  const { logger, lines } = createCapturingLogger();
  const qrs = clientFor(t, simulator, { retries: 2 }, logger);
  simulator.sim.hooks.failAllWith = 503;

  const error = await rejection(tasksByTag(qrs, 'startTask1'));
  assert.ok(error instanceof QrsResponseError);
  assert.equal(error.message, 'QRS GET /qrs/task/full failed: 503 Service Unavailable');
  assert.equal(error.status, 503);
  assert.equal(error.method, 'GET');
  assert.equal(error.bodyExcerpt, 'Simulated failure');
  assert.ok(error.cause instanceof Error, 'wraps the axios error');
  assert.equal(simulator.sim.stats.requestCount({ method: 'GET', pathPrefix: '/qrs/task/full' }), 3);

  const problems = problemLines(lines());
  assert.equal(problems.length, 1);
  assert.equal(problems[0]?.level, 'error');
  assert.equal(problems[0]?.message, error.message);
  for (const line of lines()) {
    assert.doesNotMatch(line, /BEGIN|PRIVATE KEY|xrfkey=/i, 'no cert contents or xrfkey in logs');
  }
});

test('401/403 answers are not retried', async (t) => {
  const simulator = await simulatorFor(t);
  const qrs = clientFor(t, simulator, { retries: 3 });
  simulator.sim.hooks.failAllWith = 403;
  const error = await rejection(qrs.about());
  assert.ok(error instanceof QrsResponseError);
  assert.equal(error.status, 403);
  assert.equal(simulator.sim.stats.requests.length, 1);
});

test('a 2xx answer with a body that is not JSON is a QrsResponseError, not "no tasks"', async (t) => {
  const simulator = await simulatorFor(t);
  const qrs = clientFor(t, simulator);
  simulator.sim.hooks.failAllWith = 200;
  const error = await rejection(tasksByTag(qrs, 'startTask1'));
  assert.ok(error instanceof QrsResponseError);
  assert.equal(error.status, 200);
  assert.match(error.message, /not JSON/);
  assert.ok(error instanceof QrsResponseError && error.bodyExcerpt === 'Simulated failure');
});

test('dropped connections become QrsUnavailableError after the GET retries', async (t) => {
  const simulator = await simulatorFor(t);
  const qrs = clientFor(t, simulator, { retries: 1 });
  simulator.sim.hooks.dropConnections = true;
  const error = await rejection(tasksByIds(qrs, [APP1]));
  assert.ok(error instanceof QrsUnavailableError);
  assert.equal(error.code, 'ERR_QRS_UNAVAILABLE');
  assert.equal(error.statusCode, 503);
  assert.equal(error.endpoint, '/qrs/task/full');
  assert.equal(error.status, undefined);
  assert.equal(simulator.sim.stats.requests.length, 2);
});

test('an answer slower than timeoutMs becomes QrsTimeoutError', async (t) => {
  const simulator = await simulatorFor(t);
  const qrs = clientFor(t, simulator, { timeoutMs: 100, retries: 0 });
  simulator.sim.hooks.latencyMs = 2_000;
  const error = await rejection(qrs.about());
  assert.ok(error instanceof QrsTimeoutError);
  assert.equal(error.code, 'ERR_QRS_TIMEOUT');
  assert.equal(error.statusCode, 504);
  assert.equal(error.message, 'QRS GET /qrs/about failed: no answer within 100 ms');
});

test('starts are never retried: not on 500, not on a dropped connection', async (t) => {
  const simulator = await simulatorFor(t);
  const qrs = clientFor(t, simulator, { retries: 3 });

  simulator.sim.hooks.failingStartIds.add(APP1);
  const failed = await rejection(qrs.startTask(APP1));
  assert.ok(failed instanceof QrsResponseError);
  assert.equal(failed.status, 500);
  assert.equal(failed.endpoint, `/qrs/task/${APP1}/start/synchronous`);
  assert.equal(simulator.sim.stats.requestCount({ method: 'POST' }), 1);

  simulator.sim.hooks.dropConnections = true;
  assert.ok((await rejection(qrs.startTask(APP2))) instanceof QrsUnavailableError);
  assert.equal(simulator.sim.stats.requestCount({ method: 'POST' }), 2);
  assert.deepEqual(simulator.sim.stats.starts, []);
});

test('a closed client refuses further calls without contacting QRS', async (t) => {
  const simulator = await simulatorFor(t);
  const qrs = clientFor(t, simulator);
  await qrs.about();
  await qrs.close();
  const error = await rejection(qrs.about());
  assert.ok(error instanceof QrsUnavailableError);
  assert.match(error.message, /closed/);
  assert.equal(simulator.sim.stats.requests.length, 1);
});

test('no serialisation of an error or its axios cause reaches the client key', async (t) => {
  const simulator = await simulatorFor(t);
  const qrs = clientFor(t, simulator);
  simulator.sim.hooks.failAllWith = 503;
  const error = await rejection(qrs.about());
  assert.ok(error instanceof QrsResponseError && error.cause instanceof Error);
  // The key's PEM text, and its first bytes as a JSON Buffer array and as inspect()'s hex dump.
  const keyBody = simulator.certs.clientKey.split('\n')[1] ?? '';
  const pemStart = Buffer.from(simulator.certs.clientKey.slice(0, 24));
  const hexDump = [...pemStart].map((byte) => byte.toString(16).padStart(2, '0')).join(' ');
  const needles = [keyBody, 'PRIVATE KEY', pemStart.toJSON().data.join(','), hexDump];
  const renderings = [
    JSON.stringify(error.cause),
    inspect(error, { depth: 30 }),
    inspect(error.cause, { depth: 30, showHidden: true }),
  ];
  for (const rendering of renderings) {
    for (const needle of needles) assert.ok(!rendering.includes(needle), `found ${needle}`);
  }
});
