/**
 * The shared poller against a fake reader (the function it is given, not a mocked library):
 * which ids each round asks for, and how waits end. No assertion depends on timing; every
 * wait has a timeout that fails the test instead of hanging it.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import winston from 'winston';
import type { ExecutionSnapshot } from '../../src/executions/index.js';
import { createExecutionPoller, PartialReadError, type ReadExecutionStates } from '../../src/waiting/poller.js';
import { createCapturingLogger } from '../helpers/logger.js';

const silent = winston.createLogger({ silent: true });
const LONG = 30_000;

function snapshot(status: string, final: boolean): ExecutionSnapshot {
  return {
    backend: 'qlik-sense',
    answer: {
      backend: 'qlik-sense',
      executionId: 'x',
      taskId: 't',
      taskName: null,
      status,
      statusText: status,
      startTime: '2026-12-01T06:00:00.000Z',
      stopTime: final ? '2026-12-01T06:00:05.000Z' : null,
      durationMs: final ? 5000 : null,
    },
    final,
    result: { id: 'r', fileReferenceId: null },
  };
}
const running = snapshot('Started', false);
const done = (status: 'FinishedSuccess' | 'FinishedFail') => snapshot(status, true);

/** A QRS stand-in: states set by the test, every read recorded. */
function fakeQrs() {
  const current = new Map<string, ExecutionSnapshot>();
  const calls: string[][] = [];
  let failWith: Error | undefined;
  let onRead: (() => void) | undefined;
  const read: ReadExecutionStates = async (ids) => {
    calls.push([...ids].sort());
    onRead?.();
    if (failWith) throw failWith;
    return new Map(ids.flatMap((id) => (current.has(id) ? [[id, current.get(id) as ExecutionSnapshot]] : [])));
  };
  /** Resolves at the next read (after it was recorded). */
  const nextRead = () => new Promise<void>((resolve) => (onRead = () => { onRead = undefined; resolve(); }));
  return { read, current, calls, nextRead, fail: (error: Error | undefined) => (failWith = error) };
}

test('waits share rounds: each read asks for every execution anyone waits on, once', async () => {
  const qrs = fakeQrs();
  const poller = createExecutionPoller({ read: qrs.read, logger: silent, minIntervalMs: 5, maxIntervalMs: 20 });
  for (const id of ['a', 'b', 'c']) qrs.current.set(id, running);
  const first = poller.wait(['a', 'b'], { timeoutMs: LONG });
  const second = poller.wait(['B', 'c'], { timeoutMs: LONG });
  await qrs.nextRead();
  assert.deepEqual(qrs.calls[0], ['a', 'b', 'c']);

  qrs.current.set('a', done('FinishedSuccess'));
  qrs.current.set('b', done('FinishedFail'));
  const one = await first;
  assert.equal(one.outcome, 'finished');
  assert.deepEqual([...one.states.keys()].sort(), ['a', 'b']);
  assert.equal(one.states.get('b')?.answer.status, 'FinishedFail');

  // Finished executions are asked for no more; the other wait goes on.
  const callsSoFar = qrs.calls.length;
  await qrs.nextRead();
  assert.deepEqual(qrs.calls[callsSoFar], ['c']);
  qrs.current.set('c', done('FinishedSuccess'));
  const two = await second;
  assert.equal(two.outcome, 'finished');
  assert.equal(two.states.get('b')?.answer.status, 'FinishedFail');
  poller.stop();
});

test('a timeout is not an error: the wait answers with the last seen state', async () => {
  const qrs = fakeQrs();
  qrs.current.set('a', running);
  const poller = createExecutionPoller({ read: qrs.read, logger: silent, minIntervalMs: 5, maxIntervalMs: 10 });
  const waiting = poller.wait(['a', 'never-seen'], { timeoutMs: 200 });
  const result = await waiting;
  assert.equal(result.outcome, 'timeout');
  assert.equal(result.states.get('a')?.answer.status, 'Started');
  assert.equal(result.states.has('never-seen'), false);
  assert.equal(result.pollError, undefined);
  poller.stop();
});

test('a cancelled wait ends alone; the others keep waiting', async () => {
  const qrs = fakeQrs();
  qrs.current.set('a', running);
  const poller = createExecutionPoller({ read: qrs.read, logger: silent, minIntervalMs: 5, maxIntervalMs: 10 });
  const controller = new AbortController();
  const cancelled = poller.wait(['a'], { timeoutMs: LONG, signal: controller.signal });
  const other = poller.wait(['a'], { timeoutMs: LONG });
  await qrs.nextRead();
  controller.abort();
  assert.equal((await cancelled).outcome, 'cancelled');
  qrs.current.set('a', done('FinishedSuccess'));
  assert.equal((await other).outcome, 'finished');
  poller.stop();
});

test('QRS failing while polling: waits report the last seen state and why, and recover', async () => {
  const qrs = fakeQrs();
  qrs.current.set('a', running);
  const { logger, lines } = createCapturingLogger('info');
  const poller = createExecutionPoller({ read: qrs.read, logger, minIntervalMs: 5, maxIntervalMs: 10 });
  const caller = new AbortController();
  const short = poller.wait(['a'], { timeoutMs: LONG, signal: caller.signal });
  const long = poller.wait(['a'], { timeoutMs: LONG });
  await qrs.nextRead();
  qrs.fail(new Error('QRS GET /executionresult/full failed: status 503'));
  await qrs.nextRead();
  await qrs.nextRead();
  // Ended during the outage (a timeout ends it the same way, with the same report).
  caller.abort();
  const result = await short;
  assert.equal(result.outcome, 'cancelled');
  assert.equal(result.states.get('a')?.answer.status, 'Started');
  assert.match(result.pollError?.message ?? '', /status 503/);
  assert.ok(result.pollError?.since);
  const warnings = lines().filter((line) => line.includes('polling failed'));
  assert.equal(warnings.length, 1, 'one warning per outage');

  qrs.fail(undefined);
  qrs.current.set('a', done('FinishedSuccess'));
  const recovered = await long;
  assert.equal(recovered.outcome, 'finished');
  assert.equal(recovered.pollError, undefined);
  assert.ok(lines().some((line) => line.includes('works again')));
  poller.stop();
});

test('stop ends every wait at once, and nothing is read afterwards', async () => {
  const qrs = fakeQrs();
  qrs.current.set('a', running);
  const poller = createExecutionPoller({ read: qrs.read, logger: silent, minIntervalMs: 5, maxIntervalMs: 10 });
  const waiting = poller.wait(['a'], { timeoutMs: LONG });
  poller.stop();
  assert.equal((await waiting).outcome, 'stopped');
  assert.equal((await poller.wait(['a'], { timeoutMs: LONG })).outcome, 'stopped');
  const calls = qrs.calls.length;
  await new Promise((resolve) => setTimeout(resolve, 30));
  assert.equal(qrs.calls.length, calls);
});

test('a wait on nothing, or on executions already final, answers without a round', async () => {
  const qrs = fakeQrs();
  const poller = createExecutionPoller({ read: qrs.read, logger: silent, minIntervalMs: 5, maxIntervalMs: 10 });
  assert.equal((await poller.wait([], { timeoutMs: LONG })).outcome, 'finished');
  assert.equal(qrs.calls.length, 0);
  poller.stop();
});

test('an observed final state ends the waits on it at once; one nobody waits on is dropped', async () => {
  const qrs = fakeQrs();
  qrs.current.set('a', running);
  const poller = createExecutionPoller({ read: qrs.read, logger: silent, minIntervalMs: 5, maxIntervalMs: 10 });
  const waiting = poller.wait(['a'], { timeoutMs: LONG });
  await qrs.nextRead();
  poller.observe('A', done('FinishedFail'));
  const result = await waiting;
  assert.equal(result.outcome, 'finished');
  assert.equal(result.states.get('a')?.answer.status, 'FinishedFail', 'what was observed, not what the reader still says');

  poller.observe('b', done('FinishedSuccess'));
  qrs.current.set('b', running);
  const later = poller.wait(['b'], { timeoutMs: 100 });
  assert.equal((await later).outcome, 'timeout', 'an event that came before the wait is not kept');
  poller.stop();
});

test('a round that failed for some ids keeps the states it read, and reports the failure', async () => {
  const states = new Map([['a', done('FinishedSuccess')]]);
  let rounds = 0;
  const read: ReadExecutionStates = async () => {
    rounds += 1;
    throw new PartialReadError(states, new Error('Qlik Cloud GET /api/v1/reloads/{id} failed: status 503'));
  };
  const poller = createExecutionPoller({ read, logger: silent, minIntervalMs: 5, maxIntervalMs: 10 });
  const finished = await poller.wait(['a'], { timeoutMs: LONG });
  assert.equal(finished.outcome, 'finished');
  assert.equal(rounds, 1);
  const stuck = await poller.wait(['a', 'b'], { timeoutMs: 100 });
  assert.equal(stuck.outcome, 'timeout');
  assert.match(stuck.pollError?.message ?? '', /status 503/);
  poller.stop();
});

test('case-sensitive ids (Qlik Cloud) are read and kept as given', async () => {
  const asked: string[][] = [];
  const read: ReadExecutionStates = async (ids) => {
    asked.push([...ids]);
    return new Map(ids.map((id) => [id, done('FinishedSuccess')]));
  };
  const poller = createExecutionPoller({ read, logger: silent, minIntervalMs: 5, maxIntervalMs: 10, caseSensitiveIds: true });
  const result = await poller.wait(['AbC', 'abc'], { timeoutMs: LONG });
  assert.deepEqual(asked, [['AbC', 'abc']]);
  assert.deepEqual([...result.states.keys()], ['AbC', 'abc']);
  poller.stop();
});
