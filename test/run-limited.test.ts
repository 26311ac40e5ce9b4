import assert from 'node:assert/strict';
import { test } from 'node:test';
import { runLimited } from '../src/run-limited.js';
import { retainedBy } from './helpers/signal-retention.js';

const answer = (value: number) => async () => value;
const failing = async () => Promise.reject(new Error('QRS said no'));

test("finished runs leave nothing on their request's signal", async () => {
  const request = new AbortController();
  for (let i = 0; i < 100; i++) {
    assert.deepEqual(await runLimited([answer(1), answer(2), answer(3)], 2, request.signal), [1, 2, 3]);
    await assert.rejects(runLimited([answer(1), failing], 2, request.signal), /QRS said no/);
  }
  assert.deepEqual(retainedBy(request.signal), { listeners: 0, dependants: 0 });
});

test("the calls' signal aborts when the request is cancelled, and when one call fails", async () => {
  const request = new AbortController();
  const seen: AbortSignal[] = [];
  const waitForAbort = (signal: AbortSignal) => {
    seen.push(signal);
    return new Promise<number>((_, reject) => signal.addEventListener('abort', () => reject(signal.reason as Error)));
  };
  const cancelled = runLimited([waitForAbort, waitForAbort], 2, request.signal);
  request.abort(new Error('client went away'));
  await assert.rejects(cancelled, /client went away/);

  const failed = runLimited([waitForAbort, failing], 2, undefined);
  await assert.rejects(failed, /QRS said no/);
  assert.equal(seen.length, 3);
  assert.ok(seen.every((signal) => signal.aborted));
});
