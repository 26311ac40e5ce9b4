import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createCachedReads } from '../../src/kvstore/sqlite-read-cache.js';

/** A database stand-in whose version checks finish when the test says; a row's size is its length. */
function fakeDatabase(initial: Record<string, string>, bounds = { maxRows: 3, maxBytes: 1_000_000 }) {
  const data = new Map(Object.entries(initial));
  let version = 1;
  const checks: Array<{ resolve: () => void }> = [];
  let rowReads = 0;
  return {
    commit(key: string, value: string | undefined) {
      if (value === undefined) data.delete(key);
      else data.set(key, value);
      version += 1;
    },
    /** Checks started and not yet finished. */
    get pendingChecks() {
      return checks.length;
    },
    get rowReads() {
      return rowReads;
    },
    /** Finishes the oldest running check: it answers the version it saw when it began. */
    finishCheck() {
      const check = checks.shift();
      assert.ok(check, 'no check is running');
      check.resolve();
    },
    deps: {
      checkVersion: () =>
        new Promise<number>((resolve) => {
          const seen = version;
          checks.push({ resolve: () => resolve(seen) });
        }),
      readRow: async (key: string) => {
        rowReads += 1;
        const row = data.get(key);
        return { row, bytes: row?.length ?? 0 };
      },
      ...bounds,
    },
  };
}

const settle = () => new Promise((resolve) => setImmediate(resolve));

/** A read with nothing else going on: its version check is let finish as soon as it starts. */
function readAlone(db: ReturnType<typeof fakeDatabase>, read: (key: string) => Promise<unknown>) {
  return async (key: string) => {
    const value = read(key);
    await settle();
    db.finishCheck();
    return value;
  };
}

test('a read asked for after a commit sees it, even while a check begun before the commit runs', async () => {
  const db = fakeDatabase({ k: 'old' });
  const { read } = createCachedReads(db.deps);
  assert.equal(await readAlone(db, read)('k'), 'old');

  const early = read('k');
  db.commit('k', 'new');
  const late = read('k');
  await settle();
  assert.equal(db.pendingChecks, 1, 'the late read does not start a second check beside the running one');
  db.finishCheck();
  assert.equal(await early, 'old', 'asked for before the commit: the old value is right');
  await settle();
  assert.equal(db.pendingChecks, 1, 'the late read gets a check of its own once the running one ended');
  db.finishCheck();
  assert.equal(await late, 'new');
});

test('reads asked for during one check share the next one; unchanged rows come from memory', async () => {
  const db = fakeDatabase({ a: '1', b: '2' });
  const { read } = createCachedReads(db.deps);
  assert.equal(await readAlone(db, read)('a'), '1');
  assert.equal(db.rowReads, 1);

  const running = read('a');
  const waiting = Array.from({ length: 20 }, () => read('a'));
  await settle();
  db.finishCheck();
  await settle();
  assert.equal(db.pendingChecks, 1, 'twenty reads, one check');
  db.finishCheck();
  assert.deepEqual(await Promise.all([running, ...waiting]), Array.from({ length: 21 }, () => '1'));
  assert.equal(db.rowReads, 1, 'the row was not read again: nothing was committed');
});

test('after a commit every row is read again, deletes included', async () => {
  const db = fakeDatabase({ a: '1', b: '2' });
  const readNow = readAlone(db, createCachedReads(db.deps).read);
  assert.equal(await readNow('a'), '1');
  assert.equal(await readNow('b'), '2');
  db.commit('b', undefined);
  assert.equal(await readNow('a'), '1');
  assert.equal(await readNow('b'), undefined);
  assert.equal(db.rowReads, 4);
  assert.equal(await readNow('b'), undefined, 'a missing row is remembered like any other');
  assert.equal(db.rowReads, 4);
});

test('memory stays bounded: past maxRows the cache starts over', async () => {
  const db = fakeDatabase({ a: '1', b: '2', c: '3', d: '4' });
  const readNow = readAlone(db, createCachedReads(db.deps).read);
  for (const key of ['a', 'b', 'c', 'd']) await readNow(key);
  assert.equal(db.rowReads, 4);
  await readNow('d');
  assert.equal(db.rowReads, 4, 'd was kept');
  await readNow('a');
  assert.equal(db.rowReads, 5, 'a was dropped when d came in');
});

test('a failed check fails the reads waiting for it, and the next read checks again', async () => {
  let fail = true;
  const { read } = createCachedReads({
    checkVersion: async () => {
      if (fail) throw new Error('database is locked');
      return 7;
    },
    readRow: async () => ({ row: 'v', bytes: 1 }),
    maxRows: 10,
    maxBytes: 1000,
  });
  await assert.rejects(read('k'), /database is locked/);
  fail = false;
  assert.equal(await read('k'), 'v');
});

test('memory stays bounded by bytes: reading far more than maxBytes keeps at most maxBytes, by the cache accounting', async () => {
  const values = Object.fromEntries(Array.from({ length: 300 }, (_, i) => [`k${String(i).padStart(3, '0')}`, 'x'.repeat(96)]));
  const db = fakeDatabase(values, { maxRows: 10_000, maxBytes: 1000 });
  const cache = createCachedReads(db.deps);
  const readNow = readAlone(db, cache.read);
  const rowBytes = 4 + 96; // key + value, as the cache counts them
  for (const key of Object.keys(values)) {
    assert.equal(await readNow(key), values[key]);
    const held = cache.held();
    assert.ok(held.bytes <= 1000, `after ${key}: ${held.bytes} bytes held`);
    assert.equal(held.bytes, held.rows * rowBytes, `after ${key}: every kept row is counted`);
  }
  assert.equal(db.rowReads, 300, 'read 30 times the bound');
  assert.ok(cache.held().rows > 0, 'the latest rows are kept');
  await readNow('k299');
  assert.equal(db.rowReads, 300, 'the latest row came from memory');
  await readNow('k000');
  assert.equal(db.rowReads, 301, 'the first row is no longer kept');
});

test('a row bigger than an eighth of maxBytes is read each time, never kept', async () => {
  const db = fakeDatabase({ big: 'x'.repeat(200), fits: 'x'.repeat(100) }, { maxRows: 10_000, maxBytes: 1000 });
  const cache = createCachedReads(db.deps);
  const readNow = readAlone(db, cache.read);
  await readNow('big');
  await readNow('big');
  assert.equal(db.rowReads, 2);
  assert.deepEqual(cache.held(), { rows: 0, bytes: 0 });
  await readNow('fits');
  await readNow('fits');
  assert.equal(db.rowReads, 3, '4 + 100 bytes are within an eighth of 1000');
  assert.deepEqual(cache.held(), { rows: 1, bytes: 104 });
});

test('two reads missing the same row at once count it once', async () => {
  const db = fakeDatabase({ a: '12345', b: '1' });
  const cache = createCachedReads(db.deps);
  const first = cache.read('b');
  const both = [cache.read('a'), cache.read('a')];
  await settle();
  db.finishCheck();
  await settle();
  db.finishCheck();
  assert.deepEqual(await Promise.all([first, ...both]), ['1', '12345', '12345']);
  assert.equal(db.rowReads, 3, 'both reads of a missed');
  assert.deepEqual(cache.held(), { rows: 2, bytes: 2 + 6 });
});

test('maxBytes 0 turns the cache off: every read reads the row, and no version check is made', async () => {
  const db = fakeDatabase({ a: '1' }, { maxRows: 10_000, maxBytes: 0 });
  const cache = createCachedReads(db.deps);
  assert.equal(await cache.read('a'), '1');
  db.commit('a', '2');
  assert.equal(await cache.read('a'), '2');
  assert.equal(db.rowReads, 2);
  assert.equal(db.pendingChecks, 0);
  assert.deepEqual(cache.held(), { rows: 0, bytes: 0 });
});
