/**
 * The three places Idempotency-Keys live, held to one contract: a claim is won once, a
 * repeat sees the record, records expire, two stores on one backend (two instances) see
 * each other's keys, and only the request holding a claim (its token) can renew, answer or
 * release it. Records the previous release wrote stay readable.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { backends } from './backends.js';

const HOUR = 3_600_000;
const first = { fingerprint: 'f1', firstSeenAt: 1, token: 't1', leaseUntil: 2 };
const other = { fingerprint: 'f2', firstSeenAt: 2, token: 't2', leaseUntil: 3 };
const answered = { ...first, answer: { statusCode: 200, body: { executions: [], tasksFailed: [] } } };

for (const [name, open] of Object.entries(backends)) {
  describe(`idempotency store: ${name}`, () => {
    it('the first claim wins; every later claim, from either instance, sees the first record', async (t) => {
      const { a, b } = await open(t);
      assert.equal(await a.claim('k', first, HOUR), undefined);
      assert.deepEqual(await b.claim('k', other, HOUR), first);
      assert.deepEqual(await a.claim('k', other, HOUR), first);
    });

    it('put stores the answer for the other instance; remove frees the key', async (t) => {
      const { a, b } = await open(t);
      assert.equal(await a.claim('k', first, HOUR), undefined);
      assert.equal(await a.put('k', answered, HOUR), true);
      assert.deepEqual(await b.claim('k', other, HOUR), answered, 'stored as is, empty lists included');
      assert.equal(await b.remove('k', first.token), true);
      assert.equal(await a.claim('k', other, HOUR), undefined);
    });

    it('concurrent claims of one key: exactly one wins', async (t) => {
      const { a, b } = await open(t);
      const results = await Promise.all(
        Array.from({ length: 10 }, (_, i) => (i % 2 ? a : b).claim('race', { ...first, fingerprint: `f${i}` }, HOUR)),
      );
      assert.equal(results.filter((r) => r === undefined).length, 1);
      const winner = results.findIndex((r) => r === undefined);
      for (const r of results) if (r !== undefined) assert.equal(r.fingerprint, `f${winner}`);
    });

    it('an expired record frees its key', async (t) => {
      const { a, b, advance } = await open(t);
      assert.equal(await a.claim('k', first, 1000), undefined);
      await advance(1000);
      assert.equal(await b.claim('k', other, HOUR), undefined);
      assert.deepEqual(await a.claim('k', first, HOUR), other);
    });

    it('renew, put and remove change nothing unless the record holds their token', async (t) => {
      const { a, b } = await open(t);
      assert.equal(await a.claim('k', first, HOUR), undefined);
      const intruder = { ...answered, token: 'not-mine' };
      assert.equal(await b.renew('k', { ...intruder, answer: undefined }, HOUR), false);
      assert.equal(await b.put('k', intruder, HOUR), false);
      assert.equal(await b.remove('k', 'not-mine'), false);
      assert.deepEqual(await a.claim('k', other, HOUR), first);
      // On a key nobody holds, nothing is created either.
      assert.equal(await a.renew('free', first, HOUR), false);
      assert.equal(await a.put('free', answered, HOUR), false);
      assert.equal(await a.claim('free', other, HOUR), undefined);
    });

    it('a renewal moves the lease and the expiry, and never undoes an answer', async (t) => {
      const { a, b, advance } = await open(t);
      assert.equal(await a.claim('k', first, 1000), undefined);
      const renewed = { ...first, leaseUntil: 9 };
      assert.equal(await b.renew('k', renewed, 5000), true);
      await advance(2000);
      assert.deepEqual(await a.claim('k', other, HOUR), renewed, 'the renewed record outlives its first TTL');
      assert.equal(await a.put('k', answered, HOUR), true);
      assert.equal(await b.renew('k', renewed, HOUR), false);
      assert.deepEqual(await a.claim('k', other, HOUR), answered);
    });

    it("a stale claim's renewal, answer or release lands nowhere once its key was claimed again", async (t) => {
      const { a, b, advance } = await open(t);
      assert.equal(await a.claim('k', first, 1000), undefined);
      await advance(1000);
      assert.equal(await b.claim('k', other, HOUR), undefined);
      assert.equal(await a.renew('k', first, HOUR), false);
      assert.equal(await a.put('k', answered, HOUR), false);
      assert.equal(await a.remove('k', first.token), false);
      assert.deepEqual(await b.claim('k', first, HOUR), other);
    });

    // Memory records do not outlive the previous release's process.
    if (name === 'memory') return;
    it('a record the previous release wrote (no token, no lease) is read as it is and held by nobody', async (t) => {
      const { a, writeRaw } = await open(t);
      assert.ok(writeRaw);
      const old = { fingerprint: 'f1', firstSeenAt: 1, answer: { statusCode: 200, body: { wait: { outcome: 'cancelled' } } } };
      await writeRaw('old', JSON.stringify(old), HOUR);
      assert.deepEqual(await a.claim('old', other, HOUR), old);
      assert.equal(await a.put('old', { ...answered, token: 'anything' }, HOUR), false);
      assert.equal(await a.remove('old', 'anything'), false);
      assert.deepEqual(await a.claim('old', other, HOUR), old);
    });
  });
}
