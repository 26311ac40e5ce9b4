import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import KeyvSqlite from '@keyv/sqlite';
import winston from 'winston';
import { createKvStore, KvUnavailableError } from '../../src/kvstore/index.js';
import { openSqliteReader, type SqliteReader } from '../../src/kvstore/sqlite-reader.js';
import { storageKey } from '../../src/kvstore/storage-key.js';
import { spawnTs } from '../helpers/process.js';
import { CONTRACT_LIMITS, kvStoreContract, storeSettings } from './contract.js';

const root = mkdtempSync(join(tmpdir(), 'kv-sqlite-test-'));
after(() => rmSync(root, { recursive: true, force: true }));
let files = 0;
const freshPath = () => join(root, `store-${++files}`, 'kv.sqlite');

const LIMITS = CONTRACT_LIMITS;
const silent = winston.createLogger({ silent: true });
const openAt = (path: string) => createKvStore(storeSettings('sqlite', LIMITS, { sqlite: { path } }), { logger: silent });

kvStoreContract('sqlite', ({ now, limits, logger }) =>
  createKvStore(storeSettings('sqlite', limits, { sqlite: { path: freshPath() } }), { logger, now }),
);

/** Reads the file with a connection of its own, the way another tool would. */
async function inspect<T>(path: string, sql: string): Promise<T[]> {
  const connection = new KeyvSqlite({ uri: `sqlite://${path}`, table: 'kv_values' });
  try {
    return (await connection.query(sql)) as T[];
  } finally {
    await connection.disconnect();
  }
}

/** Two stores on one file, as two instances of the service on one host would have. */
async function twoInstancesOnOneFile(t: { after(fn: () => Promise<void>): void }) {
  const path = freshPath();
  const first = await openAt(path);
  t.after(() => first.close());
  const second = await openAt(path);
  t.after(() => second.close());
  return [first, second] as const;
}

/** A reader of its own on the store's file, to look at its read cache. */
async function readerOn(t: { after(fn: () => Promise<void>): void }, path: string, cacheMaxBytes: number): Promise<SqliteReader> {
  const reader = await openSqliteReader(path, { table: 'kv_values', busyTimeoutMs: 5000, cacheMaxBytes });
  t.after(() => reader.close());
  return reader;
}

const recordOf = (value: string) => ({ v: value, t: 0, e: Number.MAX_SAFE_INTEGER });

describe('sqlite key-value backend', () => {
  it('creates its folder and uses WAL journal mode', async (t) => {
    const path = freshPath();
    const store = await openAt(path);
    t.after(() => store.close());
    await store.set('ns', 'k', 'v', 0);
    assert.ok(existsSync(path));
    assert.deepEqual(await inspect(path, 'PRAGMA journal_mode'), [{ journal_mode: 'wal' }]);
  });

  it('two instances on one file: every read sees what the other wrote or deleted, at once', async (t) => {
    const [a, b] = await twoInstancesOnOneFile(t);
    for (let round = 0; round < 20; round++) {
      await a.set('shared', 'k', `from a ${round}`, 0);
      assert.equal((await b.get('shared', 'k'))?.value, `from a ${round}`, `round ${round}`);
      assert.equal((await a.get('shared', 'k'))?.value, `from a ${round}`);
      await b.set('shared', 'k', `from b ${round}`, 0);
      assert.equal((await a.get('shared', 'k'))?.value, `from b ${round}`, `round ${round}`);
      assert.equal(await b.delete('shared', 'k'), true);
      // Listing right after a read: a read must not leave a snapshot behind.
      assert.equal(await a.listKeys('shared'), undefined, `round ${round}: a still lists a key b deleted`);
      assert.deepEqual(await a.listNamespaces(), []);
      assert.equal(await a.get('shared', 'k'), undefined, `round ${round}: a still reads a pair b deleted`);
    }
  });

  it('a read asked for after another instance committed sees it, while earlier reads are still in flight', async (t) => {
    const [writer, reader] = await twoInstancesOnOneFile(t);
    await writer.set('shared', 'k', 'v0', 0);
    assert.equal((await reader.get('shared', 'k'))?.value, 'v0');
    for (let round = 1; round <= 20; round++) {
      const inFlight = Array.from({ length: 10 }, () => reader.get('shared', 'k'));
      await writer.set('shared', 'k', `v${round}`, 0);
      assert.equal((await reader.get('shared', 'k'))?.value, `v${round}`, `round ${round}`);
      for (const earlier of await Promise.all(inFlight)) assert.ok([`v${round - 1}`, `v${round}`].includes(String(earlier?.value)));
    }
  });

  it('a row another program changes or deletes in the file is read as it is now', async (t) => {
    const path = freshPath();
    const store = await openAt(path);
    t.after(() => store.close());
    await store.set('ns', 'k', 'original', 0);
    assert.equal((await store.get('ns', 'k'))?.value, 'original');
    assert.equal((await store.get('ns', 'k'))?.value, 'original', 'read twice: the second may come from memory');
    await inspect(path, "UPDATE kv_values SET value = replace(value, 'original', 'edited')");
    assert.equal((await store.get('ns', 'k'))?.value, 'edited');
    await inspect(path, 'DELETE FROM kv_values');
    assert.equal(await store.get('ns', 'k'), undefined);
  });

  it('the read cache holds at most its bound of rows, counted at their stored size, however much is read', async (t) => {
    const path = freshPath();
    const store = await openAt(path);
    t.after(() => store.close());
    const value = (i: number) => `${i}:`.padEnd(9000, 'x');
    for (let i = 0; i < 100; i++) await store.set('big', `k${i}`, value(i), 0);
    const bound = 128 * 1024;
    const reader = await readerOn(t, path, bound);
    for (let i = 0; i < 100; i++) {
      assert.deepEqual(await reader.value(storageKey('big', `k${i}`)), recordOf(value(i)));
      const held = reader.cached();
      assert.ok(held.bytes <= bound, `after ${i + 1} reads of 9000 characters: ${held.bytes} bytes held`);
      assert.ok(held.rows > 0 && held.bytes >= held.rows * 9000, `rows are counted at their size (${JSON.stringify(held)})`);
    }
  });

  it('readCacheMaxBytes 0: the reader keeps nothing and reads what the file holds now', async (t) => {
    const path = freshPath();
    const store = await createKvStore(storeSettings('sqlite', LIMITS, { sqlite: { path, readCacheMaxBytes: 0 } }), { logger: silent });
    t.after(() => store.close());
    await store.set('ns', 'k', 'original', 0);
    assert.equal((await store.get('ns', 'k'))?.value, 'original');
    await inspect(path, "UPDATE kv_values SET value = replace(value, 'original', 'edited')");
    assert.equal((await store.get('ns', 'k'))?.value, 'edited');
    const reader = await readerOn(t, path, 0);
    assert.deepEqual(await reader.value(storageKey('ns', 'k')), recordOf('edited'));
    assert.deepEqual(reader.cached(), { rows: 0, bytes: 0 });
  });

  it('keeps pairs and TTLs across a close and reopen', async () => {
    const path = freshPath();
    const first = await openAt(path);
    await first.set('app one', 'k:1', 'v1', 3_600_000);
    await first.set('app one', 'k:2', '', 0);
    await first.close();

    const second = await openAt(path);
    try {
      assert.deepEqual(await second.get('app one', 'k:1'), { namespace: 'app one', key: 'k:1', value: 'v1', ttl: 3_600_000 });
      assert.deepEqual(await second.listKeys('app one'), ['k:1', 'k:2']);
      assert.deepEqual(await second.listNamespaces(), ['app one']);
    } finally {
      await second.close();
    }
  });

  it('removes swept pairs from the file itself', async (t) => {
    let now = Date.now();
    const path = freshPath();
    const store = await createKvStore(storeSettings('sqlite', LIMITS, { sqlite: { path } }), { logger: silent, now: () => now });
    t.after(() => store.close());
    await store.set('ns', 'gone', 'v', 1000);
    await store.set('ns', 'kept', 'v', 0);
    now += 1000;
    assert.equal(await store.sweepExpired(), 1);
    assert.deepEqual(await inspect(path, 'SELECT count(*) AS n FROM kv_values'), [{ n: 1 }]);
    assert.deepEqual(await inspect(path, 'SELECT ns, key FROM kv_index'), [{ ns: 'ns', key: 'kept' }]);
  });

  it('keeps every acknowledged write when the writing process is SIGKILLed', async (t) => {
    const path = freshPath();
    const writer = spawnTs('test/kvstore/fixtures/sqlite-writer.ts', [path]);
    t.after(() => writer.stop());
    // Several writes are in flight at once, so some share a transaction (group commit).
    await writer.waitFor(/^ok 300$/m);
    writer.child.kill('SIGKILL');
    await writer.exited;

    const acknowledged = [...writer.output().matchAll(/^ok (\d+)$/gm)].map((match) => `key-${match[1]}`);
    assert.ok(acknowledged.length > 300);
    const store = await openAt(path);
    try {
      const stored = new Set(await store.listKeys('durable'));
      const lost = acknowledged.filter((key) => !stored.has(key));
      assert.deepEqual(lost, [], 'acknowledged writes missing after SIGKILL');
      for (const key of acknowledged.slice(0, 20)) assert.equal((await store.get('durable', key))?.value, `value of ${key}`);
    } finally {
      await store.close();
    }
  });

  it('fails with KvUnavailableError when the file cannot be opened', async () => {
    const blocker = join(root, 'not-a-folder');
    writeFileSync(blocker, 'a file where a folder should be');
    await assert.rejects(openAt(join(blocker, 'kv.sqlite')), (error: unknown) => {
      assert.ok(error instanceof KvUnavailableError);
      assert.equal(error.statusCode, 503);
      assert.match(error.message, /^cannot open the key-value store \(sqlite\) at Butler\.keyValueStore\.sqlite\.path ".*not-a-folder.*": /);
      assert.ok(error.cause instanceof Error);
      return true;
    });
  });
});
