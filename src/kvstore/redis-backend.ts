import { createHash } from 'node:crypto';
import KeyvRedis from '@keyv/redis';
import Keyv from 'keyv';
import type { Logger } from 'winston';
import {
  connectWithinTimeout,
  createReconnectingRedisClient,
  redisAddress,
  withDeadline,
  type RedisClient,
} from '../redis/index.js';
import type { KvBackend } from './backend.js';
import { namespaceFullError, tooManyNamespacesError } from './errors.js';
import { KEYV_OPTIONS } from './keyv-options.js';
import { fromValueRecord, keyvEnvelope, toValueRecord, type ValueRecord } from './record.js';
import { redisBase, redisIndexKey, redisNamespacesKey, redisPairKey } from './redis-keys.js';
import { DELETE_NAMESPACE_SCRIPT, DELETE_SCRIPT, SWEEP_SCRIPT, WRITE_SCRIPT } from './redis-scripts.js';

/**
 * Longest a store operation waits for Redis, so a request fails fast with 503 instead of
 * hanging while Redis is down or stuck.
 */
const REDIS_OPERATION_TIMEOUT_MS = 2000;

export interface RedisBackendOptions {
  readonly url: string;
  readonly keyPrefix: string;
  readonly logger: Logger;
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



/**
 * Redis through @keyv/redis: keyv reads the pairs; Lua scripts (redis-scripts.ts) do every
 * mutation atomically, with Redis's own TTL on each pair. Commands fail at once while the
 * connection is down (no offline queue) and the client reconnects by itself, so requests
 * answer 503 during an outage and work again afterwards without a restart. Startup does
 * not wait for Redis beyond REDIS_CONNECT_TIMEOUT_MS (src/redis).
 */
export async function openRedisBackend(options: RedisBackendOptions): Promise<KvBackend> {
  const client = createReconnectingRedisClient(options.url, { commandTimeoutMs: REDIS_OPERATION_TIMEOUT_MS });
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

  if (!(await connectWithinTimeout(client))) {
    options.logger.warn(
      `Redis at ${redisAddress(options.url)} is not reachable yet (${connectionError?.message ?? 'no answer'}); ` +
        'key-value requests answer 503 until it is (reconnecting in the background)',
    );
  }

  async function command<T>(operation: Promise<T>): Promise<T> {
    try {
      return await withDeadline(operation, REDIS_OPERATION_TIMEOUT_MS);
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
