import sqlite3 from 'sqlite3';
import { createCachedReads, type CacheHeld, type SizedRow } from './sqlite-read-cache.js';
import type { SqlQuery } from './sqlite-transactions.js';

/**
 * The read-only connection. Key-value GETs are the hot read: keyv's adapter runs each one
 * as `Database#all`, which prepares a statement, steps it and finalizes it, three trips
 * through libuv's thread pool. Here the statements are prepared once and reused, and rows
 * are kept in memory for as long as SQLite's data_version says nothing was committed since
 * (sqlite-read-cache.ts): what other connections and processes commit is seen by every
 * read asked for after the commit. It reads keyv's own table and envelope
 * (`{"value": ..., "expires"?: ...}`), which keyv keeps writing.
 */
export interface SqliteReader {
  /** The value keyv stored under `storageKey` (its envelope unwrapped), or undefined. */
  value(storageKey: string): Promise<unknown>;
  /** What the read cache holds now, by its own accounting. */
  cached(): CacheHeld;
  query: SqlQuery;
  close(): Promise<void>;
}

function opened(file: string): Promise<sqlite3.Database> {
  return new Promise((resolve, reject) => {
    const db = new sqlite3.Database(file, (error) => (error ? reject(error) : resolve(db)));
  });
}

const MAX_CACHED_ROWS = 10_000;

function prepared(db: sqlite3.Database, sql: string): Promise<sqlite3.Statement> {
  return new Promise((resolve, reject) => {
    const statement = db.prepare(sql, (error) => (error ? reject(error) : resolve(statement)));
  });
}

function run<T>(start: (done: (error: Error | null, result: T) => void) => void): Promise<T> {
  return new Promise((resolve, reject) => start((error, result) => (error ? reject(error) : resolve(result))));
}

interface Envelope {
  readonly value?: unknown;
  readonly expires?: unknown;
}

/**
 * keyv's envelope as the store configures it (plain JSON), parsed once per row read. Its
 * size is counted as the length of the JSON text: the parsed envelope holds the same
 * strings (one byte a character for Latin-1 text, two for other text) and a few numbers.
 */
function parseEnvelope(text: unknown): SizedRow {
  if (typeof text !== 'string') return { row: undefined, bytes: 0 };
  const envelope = JSON.parse(text) as Envelope | null;
  const row = envelope === null || typeof envelope !== 'object' ? undefined : envelope;
  return { row, bytes: text.length };
}

/** The envelope's value; keyv's own expiry is honoured as keyv would, at every read. */
function liveValue(envelope: Envelope | undefined): unknown {
  if (envelope === undefined) return undefined;
  if (typeof envelope.expires === 'number' && Date.now() > envelope.expires) return undefined;
  return envelope.value;
}

export interface SqliteReaderOptions {
  readonly table: string;
  readonly busyTimeoutMs: number;
  /** Bound of the read cache's memory; 0 turns it off. */
  readonly cacheMaxBytes: number;
}

export async function openSqliteReader(file: string, options: SqliteReaderOptions): Promise<SqliteReader> {
  const { table, busyTimeoutMs, cacheMaxBytes } = options;
  const db = await opened(file);
  try {
    db.configure('busyTimeout', busyTimeoutMs);
    await run((done) => db.run('PRAGMA query_only = ON', done));
    const byKey = await prepared(db, `SELECT value FROM ${table} WHERE key = ?`);
    const dataVersion = await prepared(db, 'PRAGMA data_version');
    // `all`, not `get`: it steps to the end, which ends the statement's read transaction.
    // `get` stops at the row and leaves the snapshot open, so later reads on this
    // connection would not see newer commits.
    const cache = createCachedReads({
      checkVersion: async () => {
        const rows = await run<Array<{ data_version?: unknown }>>((done) => dataVersion.all(done));
        const version = rows[0]?.data_version;
        if (typeof version !== 'number') throw new Error('SQLite answered PRAGMA data_version without a number');
        return version;
      },
      readRow: async (storageKey) => {
        const rows = await run<Array<{ value?: unknown }>>((done) => byKey.all(storageKey, done));
        return parseEnvelope(rows[0]?.value);
      },
      maxRows: MAX_CACHED_ROWS,
      maxBytes: cacheMaxBytes,
    });
    return {
      value: async (storageKey) => liveValue((await cache.read(storageKey)) as Envelope | undefined),
      cached: cache.held,
      query: (sql, ...parameters) => run<unknown[]>((done) => db.all(sql, parameters, done)),
      async close() {
        for (const statement of [byKey, dataVersion]) {
          await run((done) => statement.finalize((error) => done(error ?? null, undefined)));
        }
        await run((done) => db.close(done as (error: Error | null) => void));
      },
    };
  } catch (error) {
    await run((done) => db.close(done as (error: Error | null) => void)).catch(() => undefined);
    throw error;
  }
}
