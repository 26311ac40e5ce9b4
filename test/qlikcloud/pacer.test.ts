import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createRequestPacer } from '../../src/qlikcloud/pacer.js';
import { createVirtualClock } from '../helpers/virtual-clock.js';
import { waitUntil } from '../helpers/wait.js';

const MINUTE = 60_000;

test('at most maxPerMinute calls in any sliding minute, in the order they asked, whatever the number of callers', async () => {
  const clock = createVirtualClock({ autoAdvance: true });
  const pacer = createRequestPacer(4, clock);
  const sentAt: { caller: number; at: number }[] = [];
  const signal = new AbortController().signal;
  await Promise.all(
    Array.from({ length: 10 }, async (_, caller) => {
      await pacer.turn(signal);
      sentAt.push({ caller, at: clock.now() });
    }),
  );
  assert.deepEqual(
    sentAt.map(({ caller }) => caller),
    [0, 1, 2, 3, 4, 5, 6, 7, 8, 9],
  );
  assert.deepEqual(
    sentAt.map(({ at }) => at),
    [0, 0, 0, 0, MINUTE, MINUTE, MINUTE, MINUTE, 2 * MINUTE, 2 * MINUTE],
  );
});

test('the window slides: a call waits only until the oldest of the last minute drops out', async () => {
  const clock = createVirtualClock({ autoAdvance: true });
  const pacer = createRequestPacer(2, clock);
  const signal = new AbortController().signal;
  await pacer.turn(signal);
  clock.advance(45_000);
  await pacer.turn(signal);
  await pacer.turn(signal);
  assert.equal(clock.now(), MINUTE, 'third call sent when the first is a minute old');
  await pacer.turn(signal);
  assert.equal(clock.now(), 45_000 + MINUTE);
});

test('holdFor blocks every call for that long, also calls already waiting for room in the window', async () => {
  const clock = createVirtualClock({ autoAdvance: false });
  const pacer = createRequestPacer(1, clock);
  const signal = new AbortController().signal;
  await pacer.turn(signal);
  let sent = false;
  const second = pacer.turn(signal).then(() => {
    sent = true;
  });
  await waitUntil(() => clock.sleeps.length === 1, 'the second call waits for room');
  pacer.holdFor(90_000);
  clock.advance(MINUTE);
  await waitUntil(() => clock.sleeps.length === 2, 'it looks again and waits for the hold');
  assert.equal(sent, false);
  clock.advance(30_000);
  await second;
  assert.equal(clock.now(), 90_000);
});

test('a cancelled caller leaves the queue at once; the ones behind it keep their order', async () => {
  const clock = createVirtualClock({ autoAdvance: false });
  const pacer = createRequestPacer(1, clock);
  const never = new AbortController().signal;
  await pacer.turn(never);
  const order: string[] = [];
  const first = pacer.turn(never).then(() => order.push('first'));
  const cancelled = new AbortController();
  const second = pacer.turn(cancelled.signal).then(
    () => order.push('second'),
    (error: unknown) => order.push(`second rejected: ${String(error)}`),
  );
  const third = pacer.turn(never).then(() => order.push('third'));
  await waitUntil(() => clock.sleeps.length === 1, 'the first waiter sleeps');
  cancelled.abort('gone');
  await second;
  assert.deepEqual(order, ['second rejected: gone'], 'rejected while the first still waits');
  clock.advance(MINUTE);
  await first;
  await waitUntil(() => clock.sleeps.length === 2, 'the third waits for room after the first');
  clock.advance(MINUTE);
  await third;
  assert.deepEqual(order, ['second rejected: gone', 'first', 'third']);
});
