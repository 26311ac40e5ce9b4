import type { Logger } from 'winston';
import { connectWithinTimeout, createReconnectingRedisClient, redisAddress, withDeadline } from '../redis/index.js';
import type { HitCounter, Hits } from './hit-counter.js';
import { createMemoryHitCounter } from './memory-counter.js';

// One round trip, atomic: count the hit, open the window on the first one. A key without a
// TTL (left by a failed PEXPIRE) gets one, so it can never block a caller for good.
const HIT_SCRIPT = `
local count = redis.call('INCR', KEYS[1])
if count == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
local ttl = redis.call('PTTL', KEYS[1])
if ttl < 0 then
  redis.call('PEXPIRE', KEYS[1], ARGV[1])
  ttl = tonumber(ARGV[1])
end
return {count, ttl}
`;

/** Longest a hit waits for Redis before it is counted locally instead. */
const HIT_TIMEOUT_MS = 500;
/** While Redis is failing, how often a hit tries it again (the others go straight to the local count). */
const RETRY_AFTER_FAILURE_MS = 1000;

export interface RedisCounterOptions {
  url: string;
  /** Keys are `<keyPrefix>:ratelimit:<caller>`. */
  keyPrefix: string;
  logger: Logger;
  /** Counts hits while Redis is unreachable; an in-memory counter unless given. */
  fallback?: HitCounter;
}

/**
 * A HitCounter in Redis, so every instance sharing the Redis shares the limits. When Redis
 * fails, hits are counted in this instance (a limit still holds, per instance) and a warning
 * is logged once per outage; counting moves back to Redis when it answers again. Startup
 * waits at most REDIS_CONNECT_TIMEOUT_MS (src/redis) for a first connection.
 */
export async function createRedisHitCounter(options: RedisCounterOptions): Promise<HitCounter> {
  const { logger } = options;
  const where = redisAddress(options.url);
  const client = createReconnectingRedisClient(options.url);
  // Each failed reconnect emits 'error'; hits report the outage, once.
  client.on('error', () => undefined);
  const connected = await connectWithinTimeout(client);
  const fallback = options.fallback ?? createMemoryHitCounter();
  let failingSince: number | undefined;
  let lastAttempt = 0;
  if (!connected) {
    failingSince = Date.now();
    logger.warn(`rate limit: Redis at ${where} is not reachable yet; counting in this instance until it is`);
  }

  async function hitInRedis(key: string, windowMs: number): Promise<Hits> {
    const reply = await withDeadline(
      client.eval(HIT_SCRIPT, { keys: [`${options.keyPrefix}:ratelimit:${key}`], arguments: [String(windowMs)] }),
      HIT_TIMEOUT_MS,
    );
    const [count, ttl] = reply as [number, number];
    return { count: Number(count), msLeft: Number(ttl) };
  }

  return {
    async hit(key, windowMs) {
      const now = Date.now();
      if (failingSince !== undefined && now - lastAttempt < RETRY_AFTER_FAILURE_MS) return fallback.hit(key, windowMs);
      lastAttempt = now;
      try {
        const hits = await hitInRedis(key, windowMs);
        if (failingSince !== undefined) {
          failingSince = undefined;
          logger.info(`rate limit: Redis at ${where} answers again; limits are shared between instances again`);
        }
        return hits;
      } catch (error) {
        if (failingSince === undefined) {
          failingSince = now;
          const reason = error instanceof Error ? error.message : String(error);
          logger.warn(`rate limit: Redis at ${where} failed (${reason}); counting in this instance until it answers again`);
        }
        return fallback.hit(key, windowMs);
      }
    },
    async close() {
      if (client.isReady) await client.close().catch(() => client.destroy());
      else client.destroy();
      await fallback.close();
    },
  };
}
