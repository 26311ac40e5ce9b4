import assert from 'node:assert/strict';
import { describe, it, type TestContext } from 'node:test';
import KeyvSqlite from '@keyv/sqlite';
import { BadRequestError } from '../../src/errors.js';
import { createSerialTransactions, type SqlQuery } from '../../src/kvstore/sqlite-transactions.js';

async function openDatabase(t: TestContext): Promise<SqlQuery> {
  const connection = new KeyvSqlite({ uri: 'sqlite://:memory:', table: 'unused' });
  t.after(() => connection.disconnect());
  const query: SqlQuery = (sql, ...parameters) => connection.query(sql, ...parameters) as Promise<unknown[]>;
  await query('CREATE TABLE t (v TEXT)');
  return query;
}

const insert = (query: SqlQuery, value: string) => async () => {
  await query('INSERT INTO t (v) VALUES (?)', value);
  return value;
};

async function values(query: SqlQuery): Promise<string[]> {
  return ((await query('SELECT v FROM t ORDER BY v')) as Array<{ v: string }>).map((row) => row.v);
}

describe('sqlite group-commit transactions', () => {
  it('commits work queued together and resolves each with its own result', async (t) => {
    const query = await openDatabase(t);
    const transactions = createSerialTransactions(query);
    assert.deepEqual(await Promise.all(['a', 'b', 'c'].map((v) => transactions.run(insert(query, v)))), ['a', 'b', 'c']);
    assert.deepEqual(await values(query), ['a', 'b', 'c']);
  });

  it('fails only the work that refused (ServiceError) and commits the rest', async (t) => {
    const query = await openDatabase(t);
    const transactions = createSerialTransactions(query);
    const results = await Promise.allSettled([
      transactions.run(insert(query, 'a')),
      transactions.run(async () => {
        throw new BadRequestError('refused');
      }),
      transactions.run(insert(query, 'c')),
    ]);
    assert.deepEqual(
      results.map((result) => result.status),
      ['fulfilled', 'rejected', 'fulfilled'],
    );
    assert.deepEqual(await values(query), ['a', 'c']);
  });

  it('rolls back and fails every work of a transaction in which the database failed', async (t) => {
    const query = await openDatabase(t);
    const transactions = createSerialTransactions(query);
    // Work queued while a transaction is open goes into the next one, together.
    let release = () => {};
    let started = () => {};
    const running = new Promise<void>((resolve) => (started = resolve));
    const first = transactions.run(
      () =>
        new Promise<string>((resolve) => {
          release = () => resolve('first');
          started();
        }),
    );
    await running;
    const batch = Promise.allSettled([
      transactions.run(insert(query, 'a')),
      transactions.run(() => query('INSERT INTO missing_table VALUES (1)')),
      transactions.run(insert(query, 'c')),
    ]);
    release();
    assert.equal(await first, 'first');
    assert.deepEqual(
      (await batch).map((result) => result.status),
      ['rejected', 'rejected', 'rejected'],
    );
    assert.deepEqual(await values(query), []);
    assert.equal(await transactions.run(insert(query, 'after')), 'after', 'later work still runs');
    assert.deepEqual(await values(query), ['after']);
  });
});
