import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createCachedReads } from '../../src/kvstore/sqlite-read-cache.js';

/** A database stand-in whose version checks and row reads finish when the test says. */
function fakeDatabase(initial: Record<string, string>) {
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
        return data.get(key);
      },
      maxRows: 3,
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
  const read = createCachedReads(db.deps);
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
  const read = createCachedReads(db.deps);
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
  const readNow = readAlone(db, createCachedReads(db.deps));
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
  const readNow = readAlone(db, createCachedReads(db.deps));
  for (const key of ['a', 'b', 'c', 'd']) await readNow(key);
  assert.equal(db.rowReads, 4);
  await readNow('d');
  assert.equal(db.rowReads, 4, 'd was kept');
  await readNow('a');
  assert.equal(db.rowReads, 5, 'a was dropped when d came in');
});

test('a failed check fails the reads waiting for it, and the next read checks again', async () => {
  let fail = true;
  const read = createCachedReads({
    checkVersion: async () => {
      if (fail) throw new Error('database is locked');
      return 7;
    },
    readRow: async () => 'v',
    maxRows: 10,
  });
  await assert.rejects(read('k'), /database is locked/);
  fail = false;
  assert.equal(await read('k'), 'v');
});
