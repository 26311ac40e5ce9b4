import { storageKey } from './storage-key.js';

/** Every Redis key this store uses starts with `<keyPrefix>:` (Butler.keyValueStore.redis.keyPrefix). */
export function redisBase(keyPrefix: string): string {
  return keyPrefix === '' ? '' : `${keyPrefix}:`;
}

/** The string holding one pair; the Lua scripts build the same name (redis-scripts.ts). */
export function redisPairKey(base: string, namespace: string, key: string): string {
  return `${base}pair:${storageKey(namespace, key)}`;
}

export function redisIndexKey(base: string, namespace: string): string {
  return `${base}keys:${namespace}`;
}

export function redisNamespacesKey(base: string): string {
  return `${base}namespaces`;
}
