import assert from 'node:assert/strict';
import { test } from 'node:test';
import { callSignal } from '../src/call-signal.js';
import { retainedBy } from './helpers/signal-retention.js';

test('a call signal is aborted by whichever source aborts first, with its reason', () => {
  const closing = new AbortController();
  const request = new AbortController();
  const call = callSignal(closing.signal, undefined, request.signal);
  assert.equal(call.signal.aborted, false);
  request.abort(new Error('client went away'));
  assert.equal(call.signal.aborted, true);
  assert.equal((call.signal.reason as Error).message, 'client went away');
  assert.deepEqual(retainedBy(closing.signal), { listeners: 0, dependants: 0 }, 'once aborted, it lets go of the other sources');
});

test('a source aborted already aborts the call signal at once', () => {
  const closing = new AbortController();
  closing.abort('closed');
  const request = new AbortController();
  const call = callSignal(request.signal, closing.signal);
  assert.equal(call.signal.aborted, true);
  assert.equal(call.signal.reason, 'closed');
  assert.deepEqual(retainedBy(request.signal), { listeners: 0, dependants: 0 });
});

test('released call signals leave nothing on a long-lived source, which still aborts the calls in flight', () => {
  const closing = new AbortController();
  for (let i = 0; i < 1000; i++) callSignal(closing.signal, AbortSignal.timeout(60_000)).release();
  assert.deepEqual(retainedBy(closing.signal), { listeners: 0, dependants: 0 });
  const inFlight = callSignal(closing.signal);
  assert.equal(retainedBy(closing.signal).listeners, 1);
  closing.abort();
  assert.equal(inFlight.signal.aborted, true);
});

test("the retention check sees what AbortSignal.any() leaves on its sources on this Node", () => {
  const closing = new AbortController();
  for (let i = 0; i < 3; i++) AbortSignal.any([closing.signal, new AbortController().signal]);
  assert.deepEqual(retainedBy(closing.signal), { listeners: 0, dependants: 3 });
});
