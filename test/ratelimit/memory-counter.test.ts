import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createMemoryHitCounter } from '../../src/ratelimit/index.js';

function fakeClock(start = 5_000) {
  let now = start;
  return { now: () => now, advance: (ms: number) => void (now += ms) };
}

test('memory counter: counts hits per key within a window, then starts again', async () => {
  const clock = fakeClock();
  const counter = createMemoryHitCounter({ now: clock.now });
  assert.deepEqual(await counter.hit('a', 1000), { count: 1, msLeft: 1000 });
  clock.advance(400);
  assert.deepEqual(await counter.hit('a', 1000), { count: 2, msLeft: 600 });
  assert.deepEqual(await counter.hit('b', 1000), { count: 1, msLeft: 1000 });
  clock.advance(600);
  assert.deepEqual(await counter.hit('a', 1000), { count: 1, msLeft: 1000 }, 'the window ended exactly now');
  await counter.close();
});

test('memory counter: beyond maxKeys it forgets ended windows first, then the oldest', async () => {
  const clock = fakeClock();
  const counter = createMemoryHitCounter({ now: clock.now, maxKeys: 3 });
  await counter.hit('ended', 100);
  clock.advance(200);
  await counter.hit('old', 10_000);
  await counter.hit('old', 10_000);
  await counter.hit('mid', 10_000);
  await counter.hit('new', 10_000); // full: 'ended' goes
  assert.equal((await counter.hit('old', 10_000)).count, 3, 'a live window survives');
  await counter.hit('newest', 10_000); // full again, nothing ended: the oldest ('old') goes
  assert.equal((await counter.hit('old', 10_000)).count, 1);
  assert.equal((await counter.hit('newest', 10_000)).count, 2);
  await counter.close();
});
