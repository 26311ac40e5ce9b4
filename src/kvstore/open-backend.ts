import type { Logger } from 'winston';
import type { KeyValueStoreSettings } from '../config/settings.js';
import type { KvBackend } from './backend.js';
import { createMemoryBackend } from './memory-backend.js';
import { openRedisBackend } from './redis-backend.js';
import { openSqliteBackend } from './sqlite-backend.js';

/** The backend named by Butler.keyValueStore.backend. */
export async function openBackend(settings: KeyValueStoreSettings, logger: Logger): Promise<KvBackend> {
  switch (settings.backend) {
    case 'sqlite':
      return openSqliteBackend(settings.sqlite);
    case 'redis':
      return openRedisBackend({ url: settings.redis.url, keyPrefix: settings.redis.keyPrefix, logger });
    case 'memory':
      return createMemoryBackend();
  }
}
