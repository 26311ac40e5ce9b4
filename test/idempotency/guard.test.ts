import assert from 'node:assert/strict';
import { test } from 'node:test';
import winston from 'winston';
import { createIdempotencyGuard, createMemoryIdempotencyStore, readIdempotencyKey } from '../../src/idempotency/index.js';
import { BadRequestError } from '../../src/errors.js';

const silent = winston.createLogger({ silent: true });
const request = { key: 'k', caller: 'anonymous', method: 'PUT', url: '/v4/reloadtask/-/start', body: [] };
const WINDOW_MS = 60_000;
const LEASE_MS = 5000;

/** Renewals never fire here: the clock only moves when a test moves it. */
function guardWithClock() {
  let now = 1_000_000;
  const store = createMemoryIdempotencyStore(() => now);
  const guard = createIdempotencyGuard({
    store,
    windowMs: WINDOW_MS,
    logger: silent,
    now: () => now,
    leaseMs: LEASE_MS,
    repeatEvery: () => () => undefined,
  });
  return { guard, store, advance: (ms: number) => (now += ms) };
}

test('a key replays its first answer within the window and runs again after it', async () => {
  const { guard, store, advance } = guardWithClock();
  let runs = 0;
  const work = async () => ({ statusCode: 200, body: { run: ++runs } });
  assert.deepEqual(await guard.run(request, work), { kind: 'fresh', answer: { statusCode: 200, body: { run: 1 } } });
  advance(WINDOW_MS - 1);
  assert.deepEqual(await guard.run(request, work), { kind: 'replayed-start', answer: { statusCode: 200, body: { run: 1 } } });
  advance(1);
  assert.deepEqual(await guard.run(request, work), { kind: 'fresh', answer: { statusCode: 200, body: { run: 2 } } });
  await store.close();
});

test('the window counts from the first request, not from its answer', async () => {
  const { guard, store, advance } = guardWithClock();
  let runs = 0;
  await guard.run(request, async () => {
    advance(WINDOW_MS - 10);
    return { statusCode: 200, body: { run: ++runs } };
  });
  // The answer stays replayable for at least a moment after a late answer.
  assert.equal((await guard.run(request, async () => ({ statusCode: 200, body: { run: ++runs } }))).kind, 'replayed-start');
  advance(1000);
  assert.equal((await guard.run(request, async () => ({ statusCode: 200, body: { run: ++runs } }))).kind, 'fresh');
  await store.close();
});

test('a claim whose request never answered (its process died): in progress for the lease, then refused as unrecorded until the window ends', async () => {
  const { guard, store, advance } = guardWithClock();
  let runs = 0;
  const work = async () => ({ statusCode: 200, body: { run: ++runs } });
  void guard.run(request, () => new Promise(() => undefined));
  await assert.rejects(guard.run(request, work), { code: 'ERR_IDEMPOTENCY_IN_PROGRESS' });
  advance(LEASE_MS);
  await assert.rejects(guard.run(request, work), {
    code: 'ERR_IDEMPOTENCY_OUTCOME_UNKNOWN',
    statusCode: 409,
    message: /did not record what it started.*may have started.*use a new key/,
  });
  assert.equal(runs, 0, 'its tasks may have started: nothing runs again within the window');
  advance(WINDOW_MS - LEASE_MS);
  assert.equal((await guard.run(request, work)).kind, 'fresh');
  await store.close();
});

test('a backend that cannot be asked is a 503 and the work does not run', async () => {
  const failing = createMemoryIdempotencyStore();
  failing.claim = async () => {
    throw new Error('connection refused');
  };
  const guard = createIdempotencyGuard({ store: failing, windowMs: WINDOW_MS, logger: silent });
  let ran = false;
  await assert.rejects(
    guard.run(request, async () => {
      ran = true;
      return { statusCode: 200, body: {} };
    }),
    { code: 'ERR_IDEMPOTENCY_UNAVAILABLE', statusCode: 503, message: /connection refused.*nothing was started/ },
  );
  assert.equal(ran, false);
  await failing.close();
});

test('readIdempotencyKey: absent is undefined; 1-200 printable ASCII characters pass', () => {
  assert.equal(readIdempotencyKey(undefined), undefined);
  assert.equal(readIdempotencyKey('a'.repeat(200)), 'a'.repeat(200));
  assert.equal(readIdempotencyKey('run 42: sales/emea'), 'run 42: sales/emea');
  for (const bad of ['', '  ', 'a'.repeat(201), 'caf\u00e9', 'tab\there']) {
    assert.throws(() => readIdempotencyKey(bad), BadRequestError, JSON.stringify(bad));
  }
  assert.throws(() => readIdempotencyKey('  '), {
    message: 'headers.idempotency-key must be 1-200 printable ASCII characters (got an empty value)',
  });
  assert.throws(() => readIdempotencyKey('caf\u00e9'), {
    message: 'headers.idempotency-key must be 1-200 printable ASCII characters (got a character outside printable ASCII)',
  });
});
