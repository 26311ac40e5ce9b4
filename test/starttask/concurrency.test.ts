import assert from 'node:assert/strict';
import { test } from 'node:test';
import { mapConcurrently } from '../../src/starttask/concurrency.js';

/** A call the test settles by hand, so "in flight" is counted, not timed. */
function controlledCalls() {
  const pending: { item: number; settle: (fail?: boolean) => void }[] = [];
  let inFlight = 0;
  let maxInFlight = 0;
  const fn = (item: number) =>
    new Promise<number>((resolve, reject) => {
      inFlight += 1;
      maxInFlight = Math.max(maxInFlight, inFlight);
      pending.push({
        item,
        settle: (fail = false) => {
          inFlight -= 1;
          if (fail) reject(new Error(`item ${item} failed`));
          else resolve(item * 10);
        },
      });
    });
  return { fn, pending, maxInFlight: () => maxInFlight };
}

const tick = () => new Promise((resolve) => setImmediate(resolve));

test('mapConcurrently: never more than `limit` calls in flight; results in input order', async () => {
  const calls = controlledCalls();
  const done = mapConcurrently([1, 2, 3, 4, 5], 2, calls.fn);
  const started = () => calls.pending.map((p) => p.item);
  await tick();
  assert.deepEqual(started(), [1, 2]);
  // Settled out of order, the freed slot takes the next item.
  calls.pending[1]?.settle();
  await tick();
  assert.deepEqual(started(), [1, 2, 3]);
  calls.pending[2]?.settle();
  await tick();
  assert.deepEqual(started(), [1, 2, 3, 4]);
  calls.pending[0]?.settle();
  await tick();
  assert.deepEqual(started(), [1, 2, 3, 4, 5]);
  calls.pending[4]?.settle();
  calls.pending[3]?.settle();
  assert.deepEqual(await done, [10, 20, 30, 40, 50]);
  assert.equal(calls.maxInFlight(), 2);
});

test('mapConcurrently: an empty list makes no call', async () => {
  const calls = controlledCalls();
  assert.deepEqual(await mapConcurrently([], 4, calls.fn), []);
  assert.equal(calls.pending.length, 0);
});

test('mapConcurrently: a limit below 1 still runs one call at a time', async () => {
  const calls = controlledCalls();
  const done = mapConcurrently([1, 2], 0, calls.fn);
  await tick();
  assert.equal(calls.pending.length, 1);
  calls.pending[0]?.settle();
  await tick();
  calls.pending[1]?.settle();
  assert.deepEqual(await done, [10, 20]);
  assert.equal(calls.maxInFlight(), 1);
});

test('mapConcurrently: a rejection starts no further call and rejects once in-flight calls settle', async () => {
  const calls = controlledCalls();
  const done = mapConcurrently([1, 2, 3, 4], 2, calls.fn);
  await tick();
  calls.pending[0]?.settle(true);
  await tick();
  assert.deepEqual(calls.pending.map((p) => p.item), [1, 2], 'no call after the failure');
  calls.pending[1]?.settle();
  await assert.rejects(done, /item 1 failed/);
});
