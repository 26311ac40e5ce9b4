import { mkdir } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import KeyvSqlite from '@keyv/sqlite';
import Keyv from 'keyv';
import type { SqliteSettings } from '../config/settings.js';
import type { CountLimits, KvBackend } from './backend.js';
import { checkCountLimits, type LiveData } from './count-limits.js';
import { KEYV_OPTIONS } from './keyv-options.js';
import { fromValueRecord, toValueRecord, type StoredPair, type ValueRecord } from './record.js';
import { openSqliteReader } from './sqlite-reader.js';
import { createSerialTransactions, type SqlQuery } from './sqlite-transactions.js';
import { storageKey } from './storage-key.js';

/** keyv's table (created by @keyv/sqlite): storage key → JSON value record. */
const VALUES_TABLE = 'kv_values';

/**
 * Our tables next to keyv's: which keys each namespace holds and when they expire, and per
 * namespace the latest expiry of its keys (kept by triggers, so no write can forget it).
 * They let listing, counting and sweeping use indexes instead of parsing every value
 * (keyv's own iterator pages with LIKE, which treats `_` and `%` in a namespace as
 * wildcards). Written in the same transaction as keyv's rows, so they never disagree.
 */
const SCHEMA = [
  `CREATE TABLE IF NOT EXISTS kv_index (
     ns TEXT NOT NULL, key TEXT NOT NULL, store_key TEXT NOT NULL, expires_at INTEGER NOT NULL,
     PRIMARY KEY (ns, key)) WITHOUT ROWID`,
  'CREATE INDEX IF NOT EXISTS kv_index_ns_expiry ON kv_index (ns, expires_at)',
  'CREATE INDEX IF NOT EXISTS kv_index_expiry ON kv_index (expires_at)',
  `CREATE TABLE IF NOT EXISTS kv_namespaces (
     ns TEXT NOT NULL PRIMARY KEY, live_until INTEGER NOT NULL) WITHOUT ROWID`,
  `CREATE TRIGGER IF NOT EXISTS kv_index_added AFTER INSERT ON kv_index BEGIN
     INSERT INTO kv_namespaces (ns, live_until) VALUES (NEW.ns, NEW.expires_at)
       ON CONFLICT (ns) DO UPDATE SET live_until = max(live_until, excluded.live_until);
   END`,
  `CREATE TRIGGER IF NOT EXISTS kv_index_changed AFTER UPDATE OF expires_at ON kv_index BEGIN
     UPDATE kv_namespaces SET live_until = (SELECT max(expires_at) FROM kv_index WHERE ns = NEW.ns) WHERE ns = NEW.ns;
   END`,
  `CREATE TRIGGER IF NOT EXISTS kv_index_removed AFTER DELETE ON kv_index BEGIN
     DELETE FROM kv_namespaces WHERE ns = OLD.ns AND NOT EXISTS (SELECT 1 FROM kv_index WHERE ns = OLD.ns);
     UPDATE kv_namespaces SET live_until = (SELECT max(expires_at) FROM kv_index WHERE ns = OLD.ns) WHERE ns = OLD.ns;
   END`,
];

// Waits this long for a lock held by another connection before failing.
const BUSY_TIMEOUT_MS = 5000;

interface Connection {
  adapter: KeyvSqlite;
  values: Keyv<ValueRecord>;
  query: SqlQuery;
}

function connect(file: string): Connection {
  const adapter = new KeyvSqlite({ uri: `sqlite://${file}`, table: VALUES_TABLE, busyTimeout: BUSY_TIMEOUT_MS });
  const values = new Keyv<ValueRecord>(adapter, KEYV_OPTIONS);
  return { adapter, values, query: (sql, ...parameters) => adapter.query(sql, ...parameters) as Promise<unknown[]> };
}

async function firstNumber(query: SqlQuery, sql: string, ...parameters: unknown[]): Promise<number | undefined> {
  const rows = (await query(sql, ...parameters)) as Array<Record<string, unknown>>;
  const value = rows[0] === undefined ? undefined : Object.values(rows[0])[0];
  return typeof value === 'number' ? value : undefined;
}

async function closeQuietly(connection: Connection): Promise<void> {
  await connection.adapter.disconnect().catch(() => undefined);
}

/**
 * Opens (creating it and its folder if needed) the SQLite file. Two connections: a writer
 * (keyv's adapter) that runs every mutation through group-committed transactions (WAL,
 * synchronous=FULL, so a write resolves only once it is on disk), and a read-only reader
 * with its GET statement prepared once (sqlite-reader.ts) that sees committed data only.
 */
export async function openSqliteBackend(settings: SqliteSettings): Promise<KvBackend> {
  const file = resolve(settings.path);
  await mkdir(dirname(file), { recursive: true });

  const writer = connect(file);
  try {
    const [mode] = (await writer.query('PRAGMA journal_mode = WAL')) as Array<{ journal_mode?: string }>;
    if (mode?.journal_mode !== 'wal') throw new Error(`SQLite refused WAL journal mode for ${file}`);
    await writer.query('PRAGMA synchronous = FULL');
    for (const statement of SCHEMA) await writer.query(statement);
  } catch (error) {
    await closeQuietly(writer);
    throw error;
  }
  let reader;
  try {
    reader = await openSqliteReader(file, {
      table: VALUES_TABLE,
      busyTimeoutMs: BUSY_TIMEOUT_MS,
      cacheMaxBytes: settings.readCacheMaxBytes,
    });
  } catch (error) {
    await closeQuietly(writer);
    throw error;
  }

  const transactions = createSerialTransactions(writer.query);
  const q = writer.query;

  function liveData(now: number): LiveData {
    return {
      isLive: async (namespace, key) =>
        ((await firstNumber(q, 'SELECT expires_at FROM kv_index WHERE ns = ? AND key = ?', namespace, key)) ?? 0) > now,
      liveKeyCount: async (namespace) =>
        (await firstNumber(q, 'SELECT count(*) FROM kv_index WHERE ns = ? AND expires_at > ?', namespace, now)) ?? 0,
      liveNamespaceCount: async () =>
        (await firstNumber(q, 'SELECT count(*) FROM kv_namespaces WHERE live_until > ?', now)) ?? 0,
    };
  }

  async function writePairs(pairs: readonly StoredPair[], limits: CountLimits, now: number): Promise<void> {
    await checkCountLimits(pairs, limits, liveData(now));
    for (const pair of pairs) {
      const key = storageKey(pair.namespace, pair.key);
      await writer.values.set(key, toValueRecord(pair));
      await q(
        `INSERT INTO kv_index (ns, key, store_key, expires_at) VALUES (?, ?, ?, ?)
         ON CONFLICT (ns, key) DO UPDATE SET expires_at = excluded.expires_at`,
        pair.namespace,
        pair.key,
        key,
        pair.expiresAt,
      );
    }
  }

  return {
    name: 'sqlite',

    async get(namespace, key, now) {
      return fromValueRecord(namespace, key, await reader.value(storageKey(namespace, key)), now);
    },

    write(pairs, limits, now) {
      return transactions.run(() => writePairs(pairs, limits, now));
    },

    delete(namespace, key, now) {
      return transactions.run(async () => {
        const expiresAt = await firstNumber(q, 'SELECT expires_at FROM kv_index WHERE ns = ? AND key = ?', namespace, key);
        if (expiresAt === undefined) return false;
        await writer.values.delete(storageKey(namespace, key));
        await q('DELETE FROM kv_index WHERE ns = ? AND key = ?', namespace, key);
        return expiresAt > now;
      });
    },

    deleteNamespace(namespace, now) {
      return transactions.run(async () => {
        const liveUntil = await firstNumber(q, 'SELECT live_until FROM kv_namespaces WHERE ns = ?', namespace);
        await q(`DELETE FROM ${VALUES_TABLE} WHERE key IN (SELECT store_key FROM kv_index WHERE ns = ?)`, namespace);
        await q('DELETE FROM kv_index WHERE ns = ?', namespace);
        return (liveUntil ?? 0) > now;
      });
    },

    async listKeys(namespace, now) {
      const rows = (await reader.query('SELECT key FROM kv_index WHERE ns = ? AND expires_at > ?', namespace, now)) as Array<{
        key: string;
      }>;
      return rows.map((row) => row.key);
    },

    async listNamespaces(now) {
      const rows = (await reader.query('SELECT ns FROM kv_namespaces WHERE live_until > ?', now)) as Array<{ ns: string }>;
      return rows.map((row) => row.ns);
    },

    sweep(now) {
      return transactions.run(async () => {
        await q(`DELETE FROM ${VALUES_TABLE} WHERE key IN (SELECT store_key FROM kv_index WHERE expires_at <= ?)`, now);
        const removed = (await q('DELETE FROM kv_index WHERE expires_at <= ? RETURNING ns', now)) as unknown[];
        return removed.length;
      });
    },

    async close() {
      // Queued after every pending write, so those commit (or fail) before the connections close.
      await transactions.run(async () => undefined).catch(() => undefined);
      await Promise.all([writer.adapter.disconnect(), reader.close()]);
    },
  };
}
