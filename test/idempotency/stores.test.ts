/**
 * The three places Idempotency-Keys live, held to one contract: a claim is won once, a
 * repeat sees the record, records expire, and two stores on one backend (two instances)
 * see each other's keys.
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it, type TestContext } from 'node:test';
import { createMemoryIdempotencyStore, type IdempotencyStore } from '../../src/idempotency/index.js';
import { openRedisIdempotencyStore } from '../../src/idempotency/redis-store.js';
import { openSqliteIdempotencyStore } from '../../src/idempotency/sqlite-store.js';
import { startRedis } from '../helpers/redis.js';

const redis = await startRedis();
after(() => redis.stop());
const dir = await mkdtemp(join(tmpdir(), 'stg-idempotency-'));
after(() => rm(dir, { recursive: true, force: true }));

const HOUR = 3_600_000;
const first = { fingerprint: 'f1', firstSeenAt: 1 };
const other = { fingerprint: 'f2', firstSeenAt: 2 };
const answered = { ...first, answer: { statusCode: 200, body: { executions: [] } } };

/** Opens two stores on one backend (two service instances); `expire` moves their clock where the backend allows it. */
type Pair = (t: TestContext) => Promise<{ a: IdempotencyStore; b: IdempotencyStore; expire?: (ms: number) => void }>;

let run = 0;
const backends: Record<string, Pair> = {
  memory: async (t) => {
    let now = 1_000_000;
    const a = createMemoryIdempotencyStore(() => now);
    t.after(() => a.close());
    // One process's memory: the second "instance" is the same store.
    return { a, b: a, expire: (ms) => (now += ms) };
  },
  sqlite: async (t) => {
    let now = 1_000_000;
    const file = join(dir, `keys-${++run}.sqlite`);
    const a = await openSqliteIdempotencyStore(file, () => now);
    const b = await openSqliteIdempotencyStore(file, () => now);
    t.after(async () => {
      await a.close();
      await b.close();
    });
    return { a, b, expire: (ms) => (now += ms) };
  },
  redis: async (t) => {
    const prefix = `idem-${++run}`;
    const a = await openRedisIdempotencyStore(redis.url, prefix);
    const b = await openRedisIdempotencyStore(redis.url, prefix);
    t.after(async () => {
      await a.close();
      await b.close();
    });
    return { a, b };
  },
};

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
      await a.put('k', answered, HOUR);
      assert.deepEqual(await b.claim('k', other, HOUR), answered);
      await b.remove('k');
      assert.equal(await a.claim('k', other, HOUR), undefined);
    });

    it('concurrent claims of one key: exactly one wins', async (t) => {
      const { a, b } = await open(t);
      const results = await Promise.all(
        Array.from({ length: 10 }, (_, i) => (i % 2 ? a : b).claim('race', { fingerprint: `f${i}`, firstSeenAt: i }, HOUR)),
      );
      assert.equal(results.filter((r) => r === undefined).length, 1);
      const winner = results.findIndex((r) => r === undefined);
      for (const r of results) if (r !== undefined) assert.equal(r.fingerprint, `f${winner}`);
    });

    it('an expired record frees its key', async (t) => {
      const { a, b, expire } = await open(t);
      if (expire) {
        assert.equal(await a.claim('k', first, 1000), undefined);
        expire(1000);
        assert.equal(await b.claim('k', other, HOUR), undefined);
        assert.deepEqual(await a.claim('k', first, HOUR), other);
        return;
      }
      // Redis expires by its own clock: a short TTL, then poll until the key is free.
      assert.equal(await a.claim('k', first, 50), undefined);
      const deadline = Date.now() + 10_000;
      while ((await b.claim('k', other, HOUR)) !== undefined) {
        assert.ok(Date.now() < deadline, 'the record did not expire within 10 s');
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      assert.deepEqual(await a.claim('k', first, HOUR), other);
    });
  });
}
