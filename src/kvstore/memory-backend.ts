import Keyv from 'keyv';
import type { CountLimits, KvBackend } from './backend.js';
import { checkCountLimits, type LiveData } from './count-limits.js';
import { KEYV_OPTIONS } from './keyv-options.js';
import { fromValueRecord, toValueRecord, type StoredPair, type ValueRecord } from './record.js';
import { storageKey } from './storage-key.js';

/**
 * Keyv over a Map, for tests and throwaway runs: values in keyv, and a per-namespace index
 * of expiry times so listing and counting never walk other namespaces. Mutations run one
 * at a time so a limit check and the write it allows cannot interleave with another write.
 */
export function createMemoryBackend(): KvBackend {
  const values = new Keyv<ValueRecord>({ ...KEYV_OPTIONS, store: new Map() });
  const expiries = new Map<string, Map<string, number>>();
  /** Per namespace, the latest expiry of its pairs: the namespace is live while now < liveUntil. */
  const liveUntil = new Map<string, number>();
  let mutations: Promise<unknown> = Promise.resolve();

  function serially<T>(work: () => Promise<T>): Promise<T> {
    const result = mutations.then(work);
    mutations = result.catch(() => undefined);
    return result;
  }

  function refreshNamespace(namespace: string): void {
    const keys = expiries.get(namespace);
    if (!keys || keys.size === 0) {
      expiries.delete(namespace);
      liveUntil.delete(namespace);
      return;
    }
    let latest = 0;
    for (const expiresAt of keys.values()) latest = Math.max(latest, expiresAt);
    liveUntil.set(namespace, latest);
  }

  function liveData(now: number): LiveData {
    return {
      isLive: async (namespace, key) => (expiries.get(namespace)?.get(key) ?? 0) > now,
      liveKeyCount: async (namespace) => [...(expiries.get(namespace)?.values() ?? [])].filter((e) => e > now).length,
      liveNamespaceCount: async () => [...liveUntil.values()].filter((e) => e > now).length,
    };
  }

  async function remove(namespace: string, key: string): Promise<void> {
    await values.delete(storageKey(namespace, key));
    expiries.get(namespace)?.delete(key);
  }

  return {
    name: 'memory',

    async get(namespace, key, now) {
      return fromValueRecord(namespace, key, await values.get(storageKey(namespace, key)), now);
    },

    write(pairs: readonly StoredPair[], limits: CountLimits, now: number) {
      return serially(async () => {
        await checkCountLimits(pairs, limits, liveData(now));
        for (const pair of pairs) {
          await values.set(storageKey(pair.namespace, pair.key), toValueRecord(pair));
          const keys = expiries.get(pair.namespace) ?? new Map<string, number>();
          keys.set(pair.key, pair.expiresAt);
          expiries.set(pair.namespace, keys);
        }
        for (const namespace of new Set(pairs.map((pair) => pair.namespace))) refreshNamespace(namespace);
      });
    },

    delete(namespace, key, now) {
      return serially(async () => {
        const expiresAt = expiries.get(namespace)?.get(key);
        if (expiresAt === undefined) return false;
        await remove(namespace, key);
        refreshNamespace(namespace);
        return expiresAt > now;
      });
    },

    deleteNamespace(namespace, now) {
      return serially(async () => {
        const wasLive = (liveUntil.get(namespace) ?? 0) > now;
        for (const key of [...(expiries.get(namespace)?.keys() ?? [])]) await remove(namespace, key);
        refreshNamespace(namespace);
        return wasLive;
      });
    },

    async listKeys(namespace, now) {
      return [...(expiries.get(namespace) ?? [])].filter(([, expiresAt]) => expiresAt > now).map(([key]) => key);
    },

    async listNamespaces(now) {
      return [...liveUntil].filter(([, until]) => until > now).map(([namespace]) => namespace);
    },

    sweep(now) {
      return serially(async () => {
        let removed = 0;
        for (const [namespace, keys] of [...expiries]) {
          const expired = [...keys].filter(([, expiresAt]) => expiresAt <= now).map(([key]) => key);
          for (const key of expired) await remove(namespace, key);
          removed += expired.length;
          if (expired.length > 0) refreshNamespace(namespace);
        }
        return removed;
      });
    },

    async close() {
      await serially(async () => {
        await values.clear();
        expiries.clear();
        liveUntil.clear();
      });
    },
  };
}
