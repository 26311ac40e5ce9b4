import { createClient } from '@keyv/redis';

/** How long startup waits for a first connection before going on without one. */
export const REDIS_CONNECT_TIMEOUT_MS = 2000;
const MAX_RECONNECT_DELAY_MS = 1000;

/**
 * A node-redis client (the one @keyv/redis ships) that fails commands at once while
 * disconnected (no offline queue) and keeps reconnecting by itself, so callers can answer
 * 503 during an outage and work again afterwards without a restart.
 */
export function createReconnectingRedisClient(url: string, options: { commandTimeoutMs?: number } = {}) {
  return createClient({
    url,
    disableOfflineQueue: true,
    ...(options.commandTimeoutMs ? { commandOptions: { timeout: options.commandTimeoutMs } } : {}),
    socket: {
      connectTimeout: REDIS_CONNECT_TIMEOUT_MS,
      reconnectStrategy: (retries: number) => Math.min(100 * 2 ** retries, MAX_RECONNECT_DELAY_MS),
    },
  });
}

export type RedisClient = ReturnType<typeof createReconnectingRedisClient>;

/**
 * Rejects when `operation` has not settled within `ms`. node-redis's own command timeout
 * only covers commands not yet sent; a Redis that takes a command and never answers needs this.
 */
export function withDeadline<T>(operation: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new Error(`Redis did not answer within ${ms} ms`)), ms);
  });
  return Promise.race([operation, deadline]).finally(() => clearTimeout(timer));
}

/** True once connected; false when not connected within REDIS_CONNECT_TIMEOUT_MS (it keeps trying). */
export function connectWithinTimeout(client: RedisClient): Promise<boolean> {
  return withDeadline(client.connect(), REDIS_CONNECT_TIMEOUT_MS).then(
    () => true,
    () => false,
  );
}

/** host:port of a Redis URL, for log lines (the URL itself may carry a password). */
export function redisAddress(url: string): string {
  try {
    const parsed = new URL(url);
    return `${parsed.hostname}:${parsed.port || '6379'}`;
  } catch {
    return 'the configured Redis';
  }
}
