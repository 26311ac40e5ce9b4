import type { KeyValueStoreSettings } from '../config/settings.js';
import { createMemoryIdempotencyStore } from './memory-store.js';
import { openRedisIdempotencyStore } from './redis-store.js';
import { openSqliteIdempotencyStore } from './sqlite-store.js';
import type { IdempotencyStore } from './types.js';

/**
 * Keys live in the key-value store's backend, so instances sharing Redis (or one SQLite
 * file) honour each other's keys. With the key-value store off they live in this process.
 */
export function openIdempotencyStore(settings: KeyValueStoreSettings): Promise<IdempotencyStore> {
  if (!settings.enable) return Promise.resolve(createMemoryIdempotencyStore());
  switch (settings.backend) {
    case 'sqlite':
      return openSqliteIdempotencyStore(settings.sqlite.path);
    case 'redis':
      return openRedisIdempotencyStore(settings.redis.url, settings.redis.keyPrefix);
    case 'memory':
      return Promise.resolve(createMemoryIdempotencyStore());
  }
}
