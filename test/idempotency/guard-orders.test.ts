/**
 * The guard over each real store, two instances per backend, with a short lease, one
 * controllable clock and renewal timers the test fires itself: in none of these orders does
 * a key start its tasks twice within its window, and a stale request never touches a newer
 * claim. Records of the previous release keep working.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createIdempotencyGuard, type IdempotencyStore, type RepeatEvery } from '../../src/idempotency/index.js';
import { fingerprintOf, storageKeyOf } from '../../src/idempotency/guard.js';
import { createCapturingLogger } from '../helpers/logger.js';
import { backends, type Backend } from './backends.js';

const HOUR = 3_600_000;
const LEASE_MS = 3000;
const request = { key: 'nightly-42', caller: 'starter', method: 'PUT', url: '/v4/reloadtask/-/start?wait=true', body: [] };

/** Renewal timers fired by the test, as the clock moves; `fireLate` fires even stopped ones (a tick already due). */
function manualTimers() {
  const running = new Set<() => Promise<void>>();
  const registered: Array<() => Promise<void>> = [];
  const repeatEvery: RepeatEvery = (_intervalMs, tick) => {
    running.add(tick);
    registered.push(tick);
    return () => void running.delete(tick);
  };
  return {
    repeatEvery,
    running: () => running.size,
    fire: async () => void (await Promise.all([...running].map((tick) => tick()))),
    fireLate: async () => void (await Promise.all(registered.map((tick) => tick()))),
  };
}

/** Two instances' guards on one backend, sharing the clock and the timers. */
function guards(backend: Backend, options: { windowMs?: number; storeA?: IdempotencyStore } = {}) {
  const timers = manualTimers();
  const { logger, lines } = createCapturingLogger('warn');
  const make = (store: IdempotencyStore) =>
    createIdempotencyGuard({ store, windowMs: options.windowMs ?? HOUR, logger, now: backend.now, leaseMs: LEASE_MS, repeatEvery: timers.repeatEvery });
  /** Moves the clock by `ms` in steps of a third of the lease, firing the renewals at each step, as setInterval would. */
  async function pass(ms: number) {
    for (let left = ms; left > 0; left -= LEASE_MS / 3) {
      await backend.advance(Math.min(LEASE_MS / 3, left));
      await timers.fire();
    }
  }
  return { a: make(options.storeA ?? backend.a), b: make(backend.b), timers, pass, logLines: lines };
}

/** A start the test ends: `finish` resolves it, `fail` rejects it; `started` once it runs (its claim is held). */
function heldStart() {
  let starts = 0;
  let finish!: () => void;
  let fail!: (error: Error) => void;
  let began!: () => void;
  const started = new Promise<void>((resolve) => (began = resolve));
  const start = () => {
    starts++;
    began();
    return new Promise<{ statusCode: number; body: unknown }>((resolve, reject) => {
      finish = () => resolve({ statusCode: 200, body: { executions: [{ executionSessionId: `e${starts}` }] } });
      fail = reject;
    });
  };
  return { start, started, starts: () => starts, finish: () => finish(), fail: (error: Error) => fail(error) };
}

const startNow = async () => ({ statusCode: 200, body: { executions: [{ executionSessionId: 'other' }] } });

for (const [name, open] of Object.entries(backends)) {
  describe(`idempotency guard on ${name}: no second start`, () => {
    it('a start running far past its first lease keeps its claim: a repeat is "in progress"', async (t) => {
      const backend = await open(t);
      const { a, b, pass, timers } = guards(backend);
      const first = heldStart();
      const running = a.run(request, first.start);
      await first.started;
      await pass(LEASE_MS * 5);
      await assert.rejects(b.run(request, startNow), { code: 'ERR_IDEMPOTENCY_IN_PROGRESS' });
      first.finish();
      assert.equal((await running).kind, 'fresh');
      assert.equal(timers.running(), 0, 'renewals stop with the request');
      const repeat = await b.run(request, startNow);
      assert.deepEqual(repeat, { kind: 'replayed-start', answer: { statusCode: 200, body: { executions: [{ executionSessionId: 'e1' }] } } });
      assert.equal(first.starts(), 1);
    });

    it('an answer that cannot be stored: a repeat is "in progress", then "outcome not recorded", never run', async (t) => {
      const backend = await open(t);
      const failingPut: IdempotencyStore = {
        ...backend.a,
        put: async () => {
          throw new Error('connection reset');
        },
      };
      const { a, b, pass, logLines } = guards(backend, { storeA: failingPut });
      assert.equal((await a.run(request, startNow)).kind, 'fresh');
      assert.match(logLines().join('\n'), /answer could not be stored \(Error: connection reset\); a repeat with this key gets a 409/);
      let repeats = 0;
      const repeatStart = async () => ({ statusCode: 200, body: { run: ++repeats } });
      await assert.rejects(b.run(request, repeatStart), { code: 'ERR_IDEMPOTENCY_IN_PROGRESS' });
      await pass(LEASE_MS);
      await assert.rejects(b.run(request, repeatStart), { code: 'ERR_IDEMPOTENCY_OUTCOME_UNKNOWN' });
      await backend.advance(HOUR / 2);
      await assert.rejects(b.run(request, repeatStart), { code: 'ERR_IDEMPOTENCY_OUTCOME_UNKNOWN' });
      assert.equal(repeats, 0);
    });

    it('a renewal due when the start finished leaves the stored answer alone', async (t) => {
      const backend = await open(t);
      const { a, b, timers, pass } = guards(backend);
      const answer = await a.run(request, startNow);
      await pass(LEASE_MS);
      await timers.fireLate();
      await pass(LEASE_MS);
      assert.deepEqual(await b.run(request, startNow), { ...answer, kind: 'replayed-start' });
    });

    it("a request outliving its window without renewals: its late answer or release leaves the key's new claim alone", async (t) => {
      const backend = await open(t);
      const windowMs = 10 * LEASE_MS;
      // Renewals fail throughout (the backend is unreachable for them).
      const noRenewals: IdempotencyStore = {
        ...backend.a,
        renew: async () => {
          throw new Error('timeout');
        },
      };
      const { a, b, pass } = guards(backend, { windowMs, storeA: noRenewals });
      const stale = heldStart();
      const staleRun = a.run(request, stale.start);
      const failing = heldStart();
      const failingRun = a.run({ ...request, key: 'other' }, failing.start);
      await Promise.all([stale.started, failing.started]);
      await pass(windowMs + LEASE_MS);
      assert.equal((await b.run(request, startNow)).kind, 'fresh');
      assert.equal((await b.run({ ...request, key: 'other' }, startNow)).kind, 'fresh');

      stale.finish();
      assert.equal((await staleRun).kind, 'fresh');
      failing.fail(new Error('QRS down'));
      await assert.rejects(failingRun, /QRS down/);
      for (const key of [request.key, 'other']) {
        assert.deepEqual(await b.run({ ...request, key }, startNow), {
          kind: 'replayed-start',
          answer: { statusCode: 200, body: { executions: [{ executionSessionId: 'other' }] } },
        });
      }
    });

    it('a start that failed (nothing started) frees its key: the retry runs', async (t) => {
      const backend = await open(t);
      const { a, b } = guards(backend);
      await assert.rejects(
        a.run(request, async () => {
          throw new Error('QRS down');
        }),
        /QRS down/,
      );
      assert.equal((await b.run(request, startNow)).kind, 'fresh');
    });

    if (name === 'memory') return; // nothing in memory outlives the previous release
    it("the previous release's records: an answer is replayed as sent; a claim is in progress until it expires", async (t) => {
      const backend = await open(t);
      assert.ok(backend.writeRaw);
      const { b } = guards(backend);
      const fingerprint = fingerprintOf(request);
      const waited = { statusCode: 200, body: { executions: [], wait: { outcome: 'finished', finished: true, timeoutSeconds: 60 } } };
      await backend.writeRaw(storageKeyOf(request), JSON.stringify({ fingerprint, firstSeenAt: backend.now(), answer: waited }), HOUR);
      assert.deepEqual(await b.run(request, startNow), { kind: 'replayed-as-sent', answer: waited });

      const claimed = { ...request, key: 'claimed-before-the-upgrade' };
      const OLD_LEASE_MS = 5 * 60_000;
      await backend.writeRaw(storageKeyOf(claimed), JSON.stringify({ fingerprint, firstSeenAt: backend.now() }), OLD_LEASE_MS);
      await assert.rejects(b.run(claimed, startNow), { code: 'ERR_IDEMPOTENCY_IN_PROGRESS' });
      await backend.advance(OLD_LEASE_MS - 1000);
      await assert.rejects(b.run(claimed, startNow), { code: 'ERR_IDEMPOTENCY_IN_PROGRESS' });
      await backend.advance(1000);
      assert.equal((await b.run(claimed, startNow)).kind, 'fresh');
    });
  });
}
