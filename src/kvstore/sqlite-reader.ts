import sqlite3 from 'sqlite3';
import type { SqlQuery } from './sqlite-transactions.js';

/**
 * The read-only connection. Key-value GETs are the hot read: keyv's adapter runs each one
 * as `Database#all`, which prepares a statement, steps it and finalizes it, three trips
 * through libuv's thread pool. Here the statement is prepared once and reused, one trip
 * per read. It reads keyv's own table and envelope (`{"value": ..., "expires"?: ...}`),
 * which keyv keeps writing; SQLite's locking makes what other connections and processes
 * commit visible to every read, so nothing is cached in this process.
 */
export interface SqliteReader {
  /** The value keyv stored under `storageKey` (its envelope unwrapped), or undefined. */
  value(storageKey: string): Promise<unknown>;
  query: SqlQuery;
  close(): Promise<void>;
}

function opened(file: string): Promise<sqlite3.Database> {
  return new Promise((resolve, reject) => {
    const db = new sqlite3.Database(file, (error) => (error ? reject(error) : resolve(db)));
  });
}

function run<T>(start: (done: (error: Error | null, result: T) => void) => void): Promise<T> {
  return new Promise((resolve, reject) => start((error, result) => (error ? reject(error) : resolve(result))));
}

/** keyv's envelope as the store configures it (plain JSON); keyv's own expiry is honoured as keyv would. */
function unwrap(text: unknown): unknown {
  if (typeof text !== 'string') return undefined;
  const envelope = JSON.parse(text) as { value?: unknown; expires?: unknown } | null;
  if (envelope === null || typeof envelope !== 'object') return undefined;
  if (typeof envelope.expires === 'number' && Date.now() > envelope.expires) return undefined;
  return envelope.value;
}

export async function openSqliteReader(file: string, table: string, busyTimeoutMs: number): Promise<SqliteReader> {
  const db = await opened(file);
  try {
    db.configure('busyTimeout', busyTimeoutMs);
    await run((done) => db.run('PRAGMA query_only = ON', done));
    const byKey = await new Promise<sqlite3.Statement>((resolve, reject) => {
      const statement = db.prepare(`SELECT value FROM ${table} WHERE key = ?`, (error) => (error ? reject(error) : resolve(statement)));
    });
    return {
      // `all`, not `get`: it steps to the end, which ends the statement's read transaction.
      // `get` stops at the row and leaves the snapshot open, so later reads on this
      // connection would not see newer commits.
      value: async (storageKey) => {
        const rows = await run<Array<{ value?: unknown }>>((done) => byKey.all(storageKey, done));
        return unwrap(rows[0]?.value);
      },
      query: (sql, ...parameters) => run<unknown[]>((done) => db.all(sql, parameters, done)),
      async close() {
        await run((done) => byKey.finalize((error) => done(error ?? null, undefined)));
        await run((done) => db.close(done as (error: Error | null) => void));
      },
    };
  } catch (error) {
    await run((done) => db.close(done as (error: Error | null) => void)).catch(() => undefined);
    throw error;
  }
}
