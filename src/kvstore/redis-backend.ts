import { createHash } from 'node:crypto';
import KeyvRedis, { createClient } from '@keyv/redis';
import Keyv from 'keyv';
import type { Logger } from 'winston';
import type { KvBackend } from './backend.js';
import { namespaceFullError, tooManyNamespacesError } from './errors.js';
import { KEYV_OPTIONS } from './keyv-options.js';
import { fromValueRecord, keyvEnvelope, toValueRecord, type ValueRecord } from './record.js';
import { redisBase, redisIndexKey, redisNamespacesKey, redisPairKey } from './redis-keys.js';
import { DELETE_NAMESPACE_SCRIPT, DELETE_SCRIPT, SWEEP_SCRIPT, WRITE_SCRIPT } from './redis-scripts.js';

/** How long startup waits for a first connection before going on without one. */
export const REDIS_CONNECT_TIMEOUT_MS = 2000;
/**
 * Longest a store operation waits for Redis. node-redis's own command timeout only covers
 * commands not yet sent, so a Redis that accepts a command and never answers needs this.
 */
export const REDIS_OPERATION_TIMEOUT_MS = 2000;
const MAX_RECONNECT_DELAY_MS = 1000;

/** Fails commands at once while disconnected (no offline queue) and keeps reconnecting. */
function createRedisClient(url: string) {
  return createClient({
    url,
    disableOfflineQueue: true,
    commandOptions: { timeout: REDIS_OPERATION_TIMEOUT_MS },
    socket: {
      connectTimeout: REDIS_CONNECT_TIMEOUT_MS,
      reconnectStrategy: (retries: number) => Math.min(100 * 2 ** retries, MAX_RECONNECT_DELAY_MS),
    },
  });
}

type RedisClient = ReturnType<typeof createRedisClient>;

export interface RedisBackendOptions {
  readonly url: string;
  readonly keyPrefix: string;
  readonly logger: Logger;
}

function withDeadline<T>(operation: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(
      () => reject(new Error(`Redis did not answer within ${REDIS_OPERATION_TIMEOUT_MS} ms`)),
      REDIS_OPERATION_TIMEOUT_MS,
    );
  });
  return Promise.race([operation, deadline]).finally(() => clearTimeout(timer));
}

/** EVALSHA, falling back to EVAL when Redis does not know the script (first use, or after a restart). */
function scriptRunner(client: RedisClient, script: string): (args: string[]) => Promise<unknown> {
  const sha = createHash('sha1').update(script).digest('hex');
  return async (args) => {
    try {
      return await client.evalSha(sha, { arguments: args });
    } catch (error) {
      if (!(error instanceof Error) || !error.message.startsWith('NOSCRIPT')) throw error;
      return client.eval(script, { arguments: args });
    }
  };
}

/** host:port of a Redis URL, for log lines (the URL itself may carry a password). */
function whereIs(url: string): string {
  try {
    const parsed = new URL(url);
    return `${parsed.hostname}:${parsed.port || '6379'}`;
  } catch {
    return 'the configured Redis';
  }
}

async function firstConnection(client: RedisClient): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const gaveUp = new Promise<boolean>((resolve) => {
    timer = setTimeout(() => resolve(false), REDIS_CONNECT_TIMEOUT_MS);
  });
  const connected = client.connect().then(
    () => true,
    () => false,
  );
  return Promise.race([connected, gaveUp]).finally(() => clearTimeout(timer));
}

/**
 * Redis through @keyv/redis: keyv reads the pairs; Lua scripts (redis-scripts.ts) do every
 * mutation atomically, with Redis's own TTL on each pair. Commands fail at once while the
 * connection is down (no offline queue) and the client reconnects by itself, so requests
 * answer 503 during an outage and work again afterwards without a restart. Startup does
 * not wait for Redis beyond REDIS_CONNECT_TIMEOUT_MS.
 */
export async function openRedisBackend(options: RedisBackendOptions): Promise<KvBackend> {
  const client = createRedisClient(options.url);
  // The adapter listens to the client's 'error' events (each failed reconnect emits one).
  const adapter = new KeyvRedis(client as unknown as ConstructorParameters<typeof KeyvRedis>[0], {
    throwOnConnectError: true,
    throwOnErrors: true,
  });
  const values = new Keyv<ValueRecord>(adapter, KEYV_OPTIONS);
  // While disconnected, commands fail with a bare "client is offline"; this says why.
  let connectionError: Error | undefined;
  client.on('error', (error: Error) => {
    connectionError = error;
  });
  client.on('ready', () => {
    connectionError = undefined;
  });

  if (!(await firstConnection(client))) {
    options.logger.warn(
      `Redis at ${whereIs(options.url)} is not reachable yet (${connectionError?.message ?? 'no answer'}); ` +
        'key-value requests answer 503 until it is (reconnecting in the background)',
    );
  }

  async function command<T>(operation: Promise<T>): Promise<T> {
    try {
      return await withDeadline(operation);
    } catch (error) {
      if (client.isReady || connectionError === undefined) throw error;
      throw new Error(`Redis is not connected: ${connectionError.message}`, { cause: error });
    }
  }

  const base = redisBase(options.keyPrefix);
  const write = scriptRunner(client, WRITE_SCRIPT);
  const remove = scriptRunner(client, DELETE_SCRIPT);
  const removeNamespace = scriptRunner(client, DELETE_NAMESPACE_SCRIPT);
  const sweep = scriptRunner(client, SWEEP_SCRIPT);

  return {
    name: 'redis',

    async get(namespace, key, now) {
      const record = await command(values.get(redisPairKey(base, namespace, key)));
      return fromValueRecord(namespace, key, record, now);
    },

    async write(pairs, limits, now) {
      const args = [base, String(now), String(limits.maxKeysPerNamespace), String(limits.maxNamespaces)];
      for (const pair of pairs) {
        args.push(pair.namespace, pair.key, keyvEnvelope(toValueRecord(pair)), String(pair.ttl), String(pair.expiresAt));
      }
      const reply = await command(write(args));
      if (!Array.isArray(reply) || reply.length === 0) return;
      const [limit, namespace, live] = reply as [string, string, number];
      throw limit === 'maxNamespaces'
        ? tooManyNamespacesError(live, limits.maxNamespaces)
        : namespaceFullError(namespace, live, limits.maxKeysPerNamespace);
    },

    async delete(namespace, key, now) {
      return (await command(remove([base, String(now), namespace, key]))) === 1;
    },

    async deleteNamespace(namespace, now) {
      return (await command(removeNamespace([base, String(now), namespace]))) === 1;
    },

    async listKeys(namespace, now) {
      return command(client.zRange(redisIndexKey(base, namespace), `(${now}`, '+inf', { BY: 'SCORE' }));
    },

    async listNamespaces(now) {
      return command(client.zRange(redisNamespacesKey(base), `(${now}`, '+inf', { BY: 'SCORE' }));
    },

    async sweep(now) {
      return Number(await command(sweep([base, String(now)])));
    },

    async close() {
      if (!client.isOpen) return;
      if (client.isReady) await client.close().catch(() => client.destroy());
      else client.destroy();
    },
  };
}
