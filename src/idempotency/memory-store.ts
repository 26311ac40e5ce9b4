import type { IdempotencyRecord, IdempotencyStore } from './types.js';

/** For the memory key-value backend (and when the key-value store is off): this process only. */
export function createMemoryIdempotencyStore(now: () => number = Date.now): IdempotencyStore {
  const records = new Map<string, { record: IdempotencyRecord; expiresAt: number }>();
  const live = (key: string) => {
    const entry = records.get(key);
    if (entry && entry.expiresAt <= now()) records.delete(key);
    return entry && entry.expiresAt > now() ? entry.record : undefined;
  };
  const sweep = setInterval(() => {
    for (const key of [...records.keys()]) live(key);
  }, 60_000);
  sweep.unref();
  const replace = (key: string, record: IdempotencyRecord, ttlMs: number) => {
    records.set(key, { record, expiresAt: now() + ttlMs });
    return true;
  };
  return {
    async claim(key, record, ttlMs) {
      const existing = live(key);
      if (existing) return existing;
      replace(key, record, ttlMs);
      return undefined;
    },
    async renew(key, record, ttlMs) {
      const stored = live(key);
      return stored?.token === record.token && !stored.answer && replace(key, record, ttlMs);
    },
    async put(key, record, ttlMs) {
      return live(key)?.token === record.token && replace(key, record, ttlMs);
    },
    async remove(key, token) {
      return live(key)?.token === token && records.delete(key);
    },
    async close() {
      clearInterval(sweep);
      records.clear();
    },
  };
}
