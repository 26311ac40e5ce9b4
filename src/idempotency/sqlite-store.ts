import { mkdir } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import KeyvSqlite from '@keyv/sqlite';
import { parseRecord, type ClaimRecord, type IdempotencyRecord, type IdempotencyStore } from './types.js';

/**
 * A table of its own in the key-value store's SQLite file, so the key-value API (which
 * lists only its own index tables) never sees these keys.
 */
const SCHEMA = [
  `CREATE TABLE IF NOT EXISTS idempotency_keys (
     key TEXT NOT NULL PRIMARY KEY, record TEXT NOT NULL, expires_at INTEGER NOT NULL) WITHOUT ROWID`,
  'CREATE INDEX IF NOT EXISTS idempotency_keys_expiry ON idempotency_keys (expires_at)',
];
const BUSY_TIMEOUT_MS = 5000;
const SWEEP_INTERVAL_MS = 60_000;
const MAX_CLAIM_ATTEMPTS = 3;

/**
 * Opens a connection of its own to the file (the key-value store's writer serialises its
 * own transactions; SQLite's lock and the busy timeout order the two). The adapter is
 * pointed at the key-value store's keyv table only so that it creates no table of its own.
 */
export async function openSqliteIdempotencyStore(path: string, now: () => number = Date.now): Promise<IdempotencyStore> {
  const file = resolve(path);
  await mkdir(dirname(file), { recursive: true });
  const adapter = new KeyvSqlite({ uri: `sqlite://${file}`, table: 'kv_values', busyTimeout: BUSY_TIMEOUT_MS });
  const query = (sql: string, ...parameters: unknown[]) => adapter.query(sql, ...parameters) as Promise<unknown[]>;
  try {
    for (const statement of SCHEMA) await query(statement);
  } catch (error) {
    await adapter.disconnect().catch(() => undefined);
    throw error;
  }
  const sweep = setInterval(() => {
    query('DELETE FROM idempotency_keys WHERE expires_at <= ?', now()).catch(() => undefined);
  }, SWEEP_INTERVAL_MS);
  sweep.unref();

  async function claimOnce(key: string, record: ClaimRecord, ttlMs: number): Promise<IdempotencyRecord | undefined | 'free'> {
    const at = now();
    // One statement, so two instances on one file cannot both win: it inserts, or takes
    // over an expired row, or changes nothing (and returns no row).
    const won = await query(
      `INSERT INTO idempotency_keys (key, record, expires_at) VALUES (?, ?, ?)
       ON CONFLICT (key) DO UPDATE SET record = excluded.record, expires_at = excluded.expires_at
       WHERE idempotency_keys.expires_at <= ?
       RETURNING key`,
      key,
      JSON.stringify(record),
      at + ttlMs,
      at,
    );
    if (won.length > 0) return undefined;
    const rows = (await query('SELECT record FROM idempotency_keys WHERE key = ? AND expires_at > ?', key, at)) as Array<{
      record: string;
    }>;
    // Gone between the two statements (expired just now): the key is free.
    return parseRecord(rows[0]?.record) ?? 'free';
  }

  /** One statement: the row changes only while it is live and still holds this request's token. */
  async function replaceIfHeld(key: string, record: ClaimRecord, ttlMs: number, onlyUnanswered: boolean): Promise<boolean> {
    const at = now();
    const replaced = await query(
      `UPDATE idempotency_keys SET record = ?, expires_at = ?
       WHERE key = ? AND expires_at > ? AND json_extract(record, '$.token') = ?
         AND (? = 0 OR json_extract(record, '$.answer') IS NULL)
       RETURNING key`,
      JSON.stringify(record),
      at + ttlMs,
      key,
      at,
      record.token,
      onlyUnanswered ? 1 : 0,
    );
    return replaced.length > 0;
  }

  return {
    async claim(key, record, ttlMs) {
      // A row that expires between the two statements is free: try again, a bounded number of times.
      for (let attempt = 1; attempt <= MAX_CLAIM_ATTEMPTS; attempt++) {
        const found = await claimOnce(key, record, ttlMs);
        if (found !== 'free') return found;
      }
      throw new Error(`idempotency key row ${key} holds no record and cannot be claimed`);
    },
    async renew(key, record, ttlMs) {
      return replaceIfHeld(key, record, ttlMs, true);
    },
    async put(key, record, ttlMs) {
      return replaceIfHeld(key, record, ttlMs, false);
    },
    async remove(key, token) {
      const removed = await query(
        `DELETE FROM idempotency_keys WHERE key = ? AND json_extract(record, '$.token') = ? AND expires_at > ? RETURNING key`,
        key,
        token,
        now(),
      );
      return removed.length > 0;
    },
    async close() {
      clearInterval(sweep);
      await adapter.disconnect();
    },
  };
}
