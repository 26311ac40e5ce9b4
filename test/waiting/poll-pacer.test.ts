/**
 * The poll pacer on mocked timers and clock: turns come one spacing apart whatever the number
 * of callers, a pause holds back every waiting turn, close() releases them with false.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createPollPacer } from '../../src/waiting/poll-pacer.js';

/** Lets resolved turns run their continuations. */
const settle = () => new Promise<void>((resolve) => setImmediate(resolve));

test('turns are spaced 60 s / budget apart, however many callers ask at once', async (t) => {
  t.mock.timers.enable({ apis: ['setTimeout', 'Date'], now: 0 });
  const pacer = createPollPacer({ perMinute: 600 });
  const given: number[] = [];
  for (let i = 0; i < 5; i += 1) void pacer.turn().then((go) => go && given.push(Date.now()));
  await settle();
  assert.deepEqual(given, [0], 'the first turn comes at once');
  for (let ms = 0; ms < 400; ms += 50) {
    t.mock.timers.tick(50);
    await settle();
  }
  assert.deepEqual(given, [0, 100, 200, 300, 400]);
  pacer.close();
});

test('a pause holds back every waiting turn; close() answers the rest with false', async (t) => {
  t.mock.timers.enable({ apis: ['setTimeout', 'Date'], now: 0 });
  const pacer = createPollPacer({ perMinute: 60 });
  const given: (number | false)[] = [];
  const ask = () => void pacer.turn().then((go) => given.push(go && Date.now()));
  ask();
  ask();
  ask();
  await settle();
  pacer.pauseFor(5_000);
  t.mock.timers.tick(1_000);
  await settle();
  assert.deepEqual(given, [0], 'the turn due at 1 s waits for the pause');
  t.mock.timers.tick(4_000);
  await settle();
  assert.deepEqual(given, [0, 5_000]);
  pacer.close();
  await settle();
  assert.deepEqual(given, [0, 5_000, false]);
  assert.equal(await pacer.turn(), false, 'no turn after close');
});
