import { connectWithinTimeout, createReconnectingRedisClient, withDeadline } from '../redis/index.js';
import { redisBase } from '../kvstore/redis-keys.js';
import { parseRecord, type IdempotencyStore } from './types.js';

const REDIS_OPERATION_TIMEOUT_MS = 2000;
const MAX_CLAIM_ATTEMPTS = 3;

/**
 * `<keyPrefix>:idempotency:<key>` strings with Redis's own expiry. The key-value store's
 * names are `pair:`, `keys:` and `namespaces` under the same prefix, and it lists only its
 * own sorted sets, so these never show up in the key-value API. Instances sharing the Redis
 * share the keys: SET NX decides which request is first.
 */
export async function openRedisIdempotencyStore(url: string, keyPrefix: string): Promise<IdempotencyStore> {
  const client = createReconnectingRedisClient(url, { commandTimeoutMs: REDIS_OPERATION_TIMEOUT_MS });
  // Failed reconnects emit 'error'; commands fail while disconnected and the request answers 503.
  client.on('error', () => undefined);
  await connectWithinTimeout(client);
  const name = (key: string) => `${redisBase(keyPrefix)}idempotency:${key}`;
  const command = <T>(operation: Promise<T>) => withDeadline(operation, REDIS_OPERATION_TIMEOUT_MS);

  return {
    async claim(key, record, ttlMs) {
      // A key that expires between SET and GET is free: try again, a bounded number of times.
      for (let attempt = 1; attempt <= MAX_CLAIM_ATTEMPTS; attempt++) {
        const set = await command(
          client.set(name(key), JSON.stringify(record), { condition: 'NX', expiration: { type: 'PX', value: ttlMs } }),
        );
        if (set === 'OK') return undefined;
        const found = parseRecord(await command(client.get(name(key))));
        if (found) return found;
      }
      throw new Error(`Redis key ${name(key)} holds no idempotency record and cannot be claimed`);
    },
    async put(key, record, ttlMs) {
      await command(client.set(name(key), JSON.stringify(record), { expiration: { type: 'PX', value: ttlMs } }));
    },
    async remove(key) {
      await command(client.del(name(key)));
    },
    async close() {
      if (!client.isOpen) return;
      if (client.isReady) await client.close().catch(() => client.destroy());
      else client.destroy();
    },
  };
}
