/**
 * How many QRS calls the client makes, how long their URLs are, how many run at once, and
 * what happens to the rest when one fails or their request is cancelled (issue 10, item 1).
 * Against the QRS simulator (demo fixture) over mutual TLS.
 */
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { test } from 'node:test';
import { BadRequestError, RequestCancelledError } from '../../src/errors.js';
import { QrsResponseError } from '../../src/qrs/index.js';
import type { QrsTask } from '../../src/qrs/types.js';
import type { RunningSimulator } from '../../src/simulator/index.js';
import { startTestSimulator, type TestSimulator } from '../helpers/simulator.js';
import { waitUntil } from '../helpers/wait.js';
import { clientFor, tasksByPair, tasksByTag } from './qrs-test-client.js';

const APP1 = 'e3b27f50-b1c0-4879-88fc-c7cdd9c1cf3e';
const APP2 = '7552d9fc-d1bb-4975-9a38-18357de531ea';
const APP3 = 'fb0f317d-da91-4b86-aafa-0174ae1e8c8f';
const EXTRA_APP = 'b7d1e3f5-9a2c-4b6e-8d0f-1a3c5e7b9d05';
const FINANCE_SPLIT = '4f8b2c6d-7a1e-4d3b-b5f9-8e0a2c4d6f04';
const OEKONOMI = 'c5e9a1b3-4d6f-4a8c-9e2b-3d5f7a9c1e06';

/** Tags no task has, to make a lookup big. */
const unknownTags = (count: number): string[] => Array.from({ length: count }, (_, i) => `no-such-tag-${i}`);
const NO_IDS_OR_PAIRS = { taskIds: [], customProperties: [] };

async function simulatorFor(t: { after(fn: () => Promise<void>): void }): Promise<TestSimulator> {
  const simulator = await startTestSimulator();
  t.after(() => simulator.close());
  return simulator;
}

function ids(tasks: readonly QrsTask[] | undefined): string[] {
  return (tasks ?? []).map((task) => task.id).sort();
}

/** The full URLs the client sent, as it sent them. */
function urlLengths(sim: RunningSimulator): number[] {
  return sim.stats.requests.map((r) => `${sim.url}${r.path}${r.query === '' ? '' : `?${r.query}`}`.length);
}

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => assert.fail('expected a rejection'),
    (error: unknown) => error,
  );
}

/** Long enough for a call sent late (the behaviour under test forbids any) to show up. */
async function quietPeriod(): Promise<void> {
  await sleep(500);
}

test('tags and custom properties are looked up in batches whose URLs stay within maxUrlLength', async (t) => {
  const simulator = await simulatorFor(t);
  const { sim } = simulator;
  const qrs = clientFor(t, simulator, { maxUrlLength: 1024 });
  const tags = [...unknownTags(100), 'STARTTASK1', "night's batch", 'startTask1'];
  const customProperties = [
    ...unknownTags(30).map((value) => ({ name: 'taskGroup', value })),
    { name: 'dept', value: 'sales' },
    { name: 'costCenter', value: 'sales' },
    { name: 'TASKGROUP', value: 'Tasks2' },
  ];
  const found = await qrs.findTasks({ taskIds: [], tags, customProperties });

  const calls = sim.stats.requestCount();
  assert.ok(calls >= 5 && calls <= 10, `${calls} calls for 103 tags and 33 custom properties in 1,024-character URLs`);
  for (const length of urlLengths(sim)) assert.ok(length <= 1024, `a URL of ${length} characters`);
  assert.ok(Math.max(...urlLengths(sim)) > 900, 'batches are filled, not cut short');

  assert.equal(found.byTag.length, tags.length);
  assert.deepEqual(ids(found.byTag[100]), [APP1, APP2, APP3].sort());
  assert.deepEqual(ids(found.byTag[101]), [OEKONOMI]);
  assert.deepEqual(ids(found.byTag[102]), [APP1, APP2, APP3].sort());
  assert.ok(found.byTag.slice(0, 100).every((tasks) => tasks.length === 0));
  // The pairing is re-checked per item: Finance split has dept=finance and costCenter=sales,
  // which QRS's filter for dept=sales matches, so it sits in that batch's answer.
  assert.deepEqual(ids(found.byCustomProperty[30]), [EXTRA_APP]);
  assert.deepEqual(ids(found.byCustomProperty[31]), [FINANCE_SPLIT]);
  assert.deepEqual(ids(found.byCustomProperty[32]), [APP2]);
  // Each answer equals what a lookup of that item alone gives.
  assert.deepEqual(ids(found.byCustomProperty[30]), ids(await tasksByPair(qrs, 'dept', 'sales')));
  assert.deepEqual(ids(found.byTag[101]), ids(await tasksByTag(qrs, "night's batch")));
});

test('task ids are batched within maxUrlLength as well as maxIdsPerLookup', async (t) => {
  const simulator = await simulatorFor(t);
  const { sim } = simulator;
  const qrs = clientFor(t, simulator, { maxUrlLength: 1024, maxIdsPerLookup: 1000 });
  const unknown = Array.from({ length: 60 }, (_, i) => `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`);
  const found = await qrs.findTasks({ taskIds: [...unknown, APP1, APP2], tags: [], customProperties: [] });
  assert.deepEqual([...found.byId.keys()], [APP1, APP2]);
  // 62 ids of 46 encoded characters (plus 8 per ` or `) need 4 URLs of at most 1,024 characters.
  assert.equal(sim.stats.requestCount(), 4);
  for (const length of urlLengths(sim)) assert.ok(length <= 1024, `a URL of ${length} characters`);
});

test('a tag whose filter alone exceeds maxUrlLength is a 400 before any QRS call', async (t) => {
  const simulator = await simulatorFor(t);
  const qrs = clientFor(t, simulator);
  const tooLong = 'ü'.repeat(700); // 4,200 characters once URL-encoded
  const error = await rejection(qrs.findTasks({ taskIds: [APP1], tags: ['startTask1', tooLong], customProperties: [] }));
  assert.ok(error instanceof BadRequestError, String(error));
  assert.match(error.message, /^The tag "ü{40}…" is too long to look up in QRS: .* URL of \d+ characters, and Butler\.configQRS\.maxUrlLength is 4000$/);
  const pairError = await rejection(
    qrs.findTasks({ taskIds: [], tags: [], customProperties: [{ name: 'taskGroup', value: tooLong }] }),
  );
  assert.ok(pairError instanceof BadRequestError);
  assert.match(pairError.message, /^The custom property "taskGroup" = "ü{40}…" is too long/);
  assert.equal(simulator.sim.stats.requestCount(), 0);
});

test('at most 8 lookup calls of one lookup are in flight', async (t) => {
  const simulator = await simulatorFor(t);
  const { sim } = simulator;
  const qrs = clientFor(t, simulator, { maxUrlLength: 1024 });
  sim.hooks.latencyMs = 20;
  const found = await qrs.findTasks({ ...NO_IDS_OR_PAIRS, tags: [...unknownTags(400), 'startTask1'] });
  assert.deepEqual(ids(found.byTag[400]), [APP1, APP2, APP3].sort());
  assert.ok(sim.stats.requestCount() > 16, `${sim.stats.requestCount()} calls`);
  assert.ok(sim.stats.peakInFlight() <= 8, `${sim.stats.peakInFlight()} calls in flight`);
  assert.ok(sim.stats.peakConnections <= 8, `${sim.stats.peakConnections} connections`);
});

test('the first failed lookup call rejects the lookup, and the calls not yet sent are never sent', async (t) => {
  const simulator = await simulatorFor(t);
  const { sim } = simulator;
  const qrs = clientFor(t, simulator, { maxUrlLength: 1024, retries: 0 });
  sim.hooks.latencyMs = 20;
  sim.hooks.failAllWith = 500;
  const error = await rejection(qrs.findTasks({ ...NO_IDS_OR_PAIRS, tags: unknownTags(400) }));
  assert.ok(error instanceof QrsResponseError, String(error));
  assert.equal(error.status, 500);
  await quietPeriod();
  assert.ok(sim.stats.requestCount() <= 8, `${sim.stats.requestCount()} calls sent for a lookup that failed at once`);
});

test('a cancelled request sends none of its remaining calls', async (t) => {
  const simulator = await simulatorFor(t);
  const { sim } = simulator;
  const qrs = clientFor(t, simulator, { maxUrlLength: 1024 });
  sim.hooks.latencyMs = 200;
  const request = new AbortController();
  const lookup = rejection(qrs.findTasks({ ...NO_IDS_OR_PAIRS, tags: unknownTags(400) }, { signal: request.signal }));
  await waitUntil(() => sim.stats.requestCount() > 0, 'a first lookup call at the simulator');
  request.abort();
  const error = await lookup;
  assert.ok(error instanceof RequestCancelledError, String(error));
  assert.equal(error.statusCode, 499);
  await quietPeriod();
  assert.ok(sim.stats.requestCount() <= 8, `${sim.stats.requestCount()} calls sent after the request was cancelled`);

  const start = await rejection(qrs.startTask(APP1, { signal: request.signal }));
  assert.ok(start instanceof RequestCancelledError);
  assert.equal(sim.stats.requestCount({ method: 'POST' }), 0, 'a start of a cancelled request is not sent');
});

test('maxSockets caps the connections of the whole client; further calls wait their turn', async (t) => {
  const simulator = await simulatorFor(t);
  const { sim } = simulator;
  sim.hooks.latencyMs = 50;
  const capped = clientFor(t, simulator, { maxSockets: 2 });
  const answers = await Promise.all(Array.from({ length: 10 }, () => capped.about()));
  assert.equal(answers.length, 10);
  assert.equal(sim.stats.peakConnections, 2);
  assert.equal(sim.stats.peakInFlight(), 2);

  // Control: the same burst on the default limit really does open more connections.
  await capped.close();
  sim.stats.reset();
  const uncapped = clientFor(t, simulator);
  await Promise.all(Array.from({ length: 10 }, () => uncapped.about()));
  assert.ok(sim.stats.peakConnections > 2, `${sim.stats.peakConnections} connections`);
});
