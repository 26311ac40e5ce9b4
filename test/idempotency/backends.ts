/**
 * The three places Idempotency-Keys live, opened for contract tests: the memory store, two
 * stores on one real SQLite file, two stores on one real redis-server (two instances). Each
 * comes with one controllable clock: `advance` moves the stores' clock (memory, SQLite), or
 * shortens every record's TTL in Redis (which expires by its own clock) by as much.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, type TestContext } from 'node:test';
import KeyvSqlite from '@keyv/sqlite';
import { createClient } from '@keyv/redis';
import { createMemoryIdempotencyStore, type IdempotencyStore } from '../../src/idempotency/index.js';
import { openRedisIdempotencyStore } from '../../src/idempotency/redis-store.js';
import { openSqliteIdempotencyStore } from '../../src/idempotency/sqlite-store.js';
import { startRedis } from '../helpers/redis.js';

export interface Backend {
  a: IdempotencyStore;
  /** A second instance on the same backend (the same store for memory: one process). */
  b: IdempotencyStore;
  now: () => number;
  advance(ms: number): Promise<void>;
  /**
   * Writes `text` as the record of `key`, live for ttlMs, as the previous release did; absent
   * for memory, whose records do not outlive a process.
   */
  writeRaw?: (key: string, text: string, ttlMs: number) => Promise<void>;
}

export type OpenBackend = (t: TestContext) => Promise<Backend>;

/** The previous release's table, as it created it. */
const PREVIOUS_SCHEMA = [
  `CREATE TABLE IF NOT EXISTS idempotency_keys (
     key TEXT NOT NULL PRIMARY KEY, record TEXT NOT NULL, expires_at INTEGER NOT NULL) WITHOUT ROWID`,
  'CREATE INDEX IF NOT EXISTS idempotency_keys_expiry ON idempotency_keys (expires_at)',
];

const redis = await startRedis();
after(() => redis.stop());
const dir = await mkdtemp(join(tmpdir(), 'stg-idempotency-'));
after(() => rm(dir, { recursive: true, force: true }));
let opened = 0;

export const backends: Record<string, OpenBackend> = {
  memory: async (t) => {
    let now = 1_000_000;
    const a = createMemoryIdempotencyStore(() => now);
    t.after(() => a.close());
    return { a, b: a, now: () => now, advance: async (ms) => void (now += ms) };
  },
  sqlite: async (t) => {
    let now = 1_000_000;
    const file = join(dir, `keys-${++opened}.sqlite`);
    // A file the previous release made, before this release's stores open it.
    const raw = new KeyvSqlite({ uri: `sqlite://${file}`, table: 'kv_values' });
    t.after(() => raw.disconnect());
    for (const statement of PREVIOUS_SCHEMA) await raw.query(statement);
    const a = await openSqliteIdempotencyStore(file, () => now);
    const b = await openSqliteIdempotencyStore(file, () => now);
    t.after(async () => {
      await a.close();
      await b.close();
    });
    return {
      a,
      b,
      now: () => now,
      advance: async (ms) => void (now += ms),
      writeRaw: async (key, text, ttlMs) => {
        await raw.query('INSERT INTO idempotency_keys (key, record, expires_at) VALUES (?, ?, ?)', key, text, now + ttlMs);
      },
    };
  },
  redis: async (t) => {
    let now = 1_000_000;
    const prefix = `idem-${++opened}`;
    const a = await openRedisIdempotencyStore(redis.url, prefix);
    const b = await openRedisIdempotencyStore(redis.url, prefix);
    const raw = createClient({ url: redis.url });
    await raw.connect();
    t.after(async () => {
      await a.close();
      await b.close();
      await raw.close();
    });
    const name = (key: string) => `${prefix}:idempotency:${key}`;
    return {
      a,
      b,
      now: () => now,
      async advance(ms) {
        now += ms;
        for (const key of await raw.keys(`${prefix}:idempotency:*`)) {
          const left = (await raw.pTTL(key)) - ms;
          if (left > 0) await raw.pExpire(key, left);
          else await raw.del(key);
        }
      },
      writeRaw: async (key, text, ttlMs) => {
        await raw.set(name(key), text, { expiration: { type: 'PX', value: ttlMs } });
      },
    };
  },
};
