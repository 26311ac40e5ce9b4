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
  return {
    async claim(key, record, ttlMs) {
      const existing = live(key);
      if (existing) return existing;
      records.set(key, { record, expiresAt: now() + ttlMs });
      return undefined;
    },
    async put(key, record, ttlMs) {
      records.set(key, { record, expiresAt: now() + ttlMs });
    },
    async remove(key) {
      records.delete(key);
    },
    async close() {
      clearInterval(sweep);
      records.clear();
    },
  };
}
