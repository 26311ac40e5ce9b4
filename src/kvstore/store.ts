import type { Logger } from 'winston';
import type { KeyValueStoreSettings } from '../config/settings.js';
import { ServiceError } from '../errors.js';
import type { KvOperationMetrics, KvOperationOutcome } from '../metrics/index.js';
import type { KvBackend } from './backend.js';
import { KvUnavailableError } from './errors.js';
import { openBackend } from './open-backend.js';
import { createOutageLog } from './outage-log.js';
import { expiryOf, type StoredPair } from './record.js';
import type { KvPair, KvStore } from './types.js';
import { checkPair } from './validate.js';

export interface KvStoreDeps {
  logger: Logger;
  /** The store's clock (epoch ms); tests pass their own to move time. */
  now?: () => number;
  /** Counts every operation by outcome (stg_kv_operations_total); absent: nothing is counted. */
  metrics?: KvOperationMetrics;
}

/**
 * Opens the configured backend (sqlite, redis or memory) and returns the store over it.
 * Fails with KvUnavailableError when the backend cannot be opened at all (an unusable
 * SQLite path); an unreachable Redis is not fatal (see redis-backend.ts).
 */
export async function createKvStore(settings: KeyValueStoreSettings, deps: KvStoreDeps): Promise<KvStore> {
  let backend: KvBackend;
  try {
    backend = await openBackend(settings, deps.logger);
  } catch (error) {
    const where = settings.backend === 'sqlite' ? ` at Butler.keyValueStore.sqlite.path "${settings.sqlite.path}"` : '';
    const reason = error instanceof Error ? error.message : String(error);
    throw new KvUnavailableError(settings.backend, error, `cannot open the key-value store (${settings.backend})${where}: ${reason}`);
  }
  return storeOver(backend, settings, deps);
}

function toKvPair({ namespace, key, value, ttl }: StoredPair): KvPair {
  return { namespace, key, value, ttl };
}

function sortedOrUndefined(names: string[]): string[] | undefined {
  return names.length === 0 ? undefined : names.sort();
}

/**
 * Checks input, stamps expiry from one clock, turns backend failures into
 * KvUnavailableError (logged once per outage), sorts listings, and sweeps expired pairs
 * every sweepIntervalMs.
 */
function storeOver(backend: KvBackend, settings: KeyValueStoreSettings, deps: KvStoreDeps): KvStore {
  const now = deps.now ?? Date.now;
  const outage = createOutageLog(deps.logger, backend.name);
  let closed = false;
  let sweeping: Promise<void> | undefined;

  const count = (name: string, outcome: KvOperationOutcome) => deps.metrics?.kvOperation(name, backend.name, outcome);

  async function guarded<T>(name: string, operation: () => Promise<T>): Promise<T> {
    if (closed) {
      count(name, 'error');
      throw new KvUnavailableError(backend.name, new Error('the key-value store is closed'));
    }
    try {
      const result = await operation();
      outage.succeeded();
      count(name, 'ok');
      return result;
    } catch (error) {
      // A refusal (limit) is an answer from a working backend.
      if (error instanceof ServiceError) {
        outage.succeeded();
        count(name, 'refused');
        throw error;
      }
      outage.failed(error);
      count(name, 'error');
      throw new KvUnavailableError(backend.name, error);
    }
  }

  function stamped(pair: KvPair, at: number): StoredPair {
    checkPair(pair.namespace, pair.key, pair.value, pair.ttl, settings);
    return { ...pair, expiresAt: expiryOf(pair.ttl, at) };
  }

  async function write(pairs: readonly KvPair[]): Promise<void> {
    const at = now();
    const stored = pairs.map((pair) => stamped(pair, at));
    if (stored.length > 0) await guarded('set', () => backend.write(stored, settings, at));
  }

  const store: KvStore = {
    async get(namespace, key) {
      const pair = await guarded('get', () => backend.get(namespace, key, now()));
      return pair && toKvPair(pair);
    },
    async set(namespace, key, value, ttlMs) {
      const pair = { namespace, key, value, ttl: ttlMs };
      await write([pair]);
      return pair;
    },
    setMany: write,
    delete: (namespace, key) => guarded('delete', () => backend.delete(namespace, key, now())),
    deleteNamespace: (namespace) => guarded('deleteNamespace', () => backend.deleteNamespace(namespace, now())),
    listKeys: async (namespace) => sortedOrUndefined(await guarded('listKeys', () => backend.listKeys(namespace, now()))),
    listNamespaces: async () => (await guarded('listNamespaces', () => backend.listNamespaces(now()))).sort(),
    sweepExpired: () => guarded('sweep', () => backend.sweep(now())),
    async close() {
      if (closed) return;
      closed = true;
      clearInterval(timer);
      await sweeping;
      await backend.close();
    },
  };

  // Failures are already logged by guarded(); a sweep that fails is retried next interval.
  function sweepNow(): void {
    if (sweeping || closed) return;
    sweeping = store
      .sweepExpired()
      .then((removed) => {
        if (removed > 0) deps.logger.debug(`key-value store swept ${removed} expired pairs`);
      })
      .catch(() => undefined)
      .finally(() => {
        sweeping = undefined;
      });
  }
  const timer = setInterval(sweepNow, settings.sweepIntervalMs);
  timer.unref();

  return store;
}
