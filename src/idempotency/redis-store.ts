import { connectWithinTimeout, createReconnectingRedisClient, withDeadline } from '../redis/index.js';
import { redisBase } from '../kvstore/redis-keys.js';
import { parseRecord, type ClaimRecord, type IdempotencyStore } from './types.js';

const REDIS_OPERATION_TIMEOUT_MS = 2000;

// Each script runs atomically in Redis, so two instances cannot both claim a key, and a
// request's renewal, answer or release lands only on the record its own claim wrote.
// KEYS[1]: the record. Records are JSON strings with Redis's own expiry (PX).

/** ARGV: record, ttl. Returns the live record, or nil when the claim is ours. */
const CLAIM_SCRIPT = `
local found = redis.call('GET', KEYS[1])
if found then return found end
redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
return false
`;

/** True when the stored record holds the token ARGV[1]; cjson only reads it, never rewrites a record. */
const HELD = `
local function held()
  local stored = redis.call('GET', KEYS[1])
  if not stored then return nil end
  local ok, record = pcall(cjson.decode, stored)
  if not ok or type(record) ~= 'table' or record.token ~= ARGV[1] then return nil end
  return record
end
`;

/** ARGV: token, record, ttl, "1" to leave an answered record alone. Returns 1 when replaced. */
const REPLACE_SCRIPT = `${HELD}
local record = held()
if not record then return 0 end
if ARGV[4] == '1' and record.answer ~= nil then return 0 end
redis.call('SET', KEYS[1], ARGV[2], 'PX', ARGV[3])
return 1
`;

/** ARGV: token. Returns 1 when removed. */
const REMOVE_SCRIPT = `${HELD}
if not held() then return 0 end
redis.call('DEL', KEYS[1])
return 1
`;

/**
 * `<keyPrefix>:idempotency:<key>` strings with Redis's own expiry. The key-value store's
 * names are `pair:`, `keys:` and `namespaces` under the same prefix, and it lists only its
 * own sorted sets, so these never show up in the key-value API. Instances sharing the Redis
 * share the keys.
 */
export async function openRedisIdempotencyStore(url: string, keyPrefix: string): Promise<IdempotencyStore> {
  const client = createReconnectingRedisClient(url, { commandTimeoutMs: REDIS_OPERATION_TIMEOUT_MS });
  // Failed reconnects emit 'error'; commands fail while disconnected and the request answers 503.
  client.on('error', () => undefined);
  await connectWithinTimeout(client);
  const name = (key: string) => `${redisBase(keyPrefix)}idempotency:${key}`;
  const run = (script: string, key: string, args: string[]) =>
    withDeadline(client.eval(script, { keys: [name(key)], arguments: args }), REDIS_OPERATION_TIMEOUT_MS);
  const replace = async (key: string, record: ClaimRecord, ttlMs: number, onlyUnanswered: boolean) =>
    (await run(REPLACE_SCRIPT, key, [record.token, JSON.stringify(record), String(ttlMs), onlyUnanswered ? '1' : '0'])) === 1;

  return {
    async claim(key, record, ttlMs) {
      const found = await run(CLAIM_SCRIPT, key, [JSON.stringify(record), String(ttlMs)]);
      if (found === null) return undefined;
      const parsed = parseRecord(found);
      if (!parsed) throw new Error(`Redis key ${name(key)} holds no idempotency record and cannot be claimed`);
      return parsed;
    },
    renew: (key, record, ttlMs) => replace(key, record, ttlMs, true),
    put: (key, record, ttlMs) => replace(key, record, ttlMs, false),
    async remove(key, token) {
      return (await run(REMOVE_SCRIPT, key, [token])) === 1;
    },
    async close() {
      if (!client.isOpen) return;
      if (client.isReady) await client.close().catch(() => client.destroy());
      else client.destroy();
    },
  };
}
