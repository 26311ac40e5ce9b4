import type { CountLimits } from './backend.js';
import { namespaceFullError, tooManyNamespacesError } from './errors.js';
import type { StoredPair } from './record.js';
import { storageKey } from './storage-key.js';

/** Questions about live data (now < expiresAt) that the count limits need answered. */
export interface LiveData {
  isLive(namespace: string, key: string): Promise<boolean>;
  liveKeyCount(namespace: string): Promise<number>;
  liveNamespaceCount(): Promise<number>;
}

/**
 * Throws KvLimitError when writing `pairs` would add a key to a full namespace or add a
 * namespace beyond the cap. Only new keys count (a live key being overwritten does not),
 * a key written twice in one batch counts once, and expired pairs count as absent. The
 * Redis write script applies the same rules inside Redis (redis-scripts.ts).
 */
export async function checkCountLimits(pairs: readonly StoredPair[], limits: CountLimits, live: LiveData): Promise<void> {
  const newKeysPerNamespace = new Map<string, number>();
  const seen = new Set<string>();
  for (const { namespace, key } of pairs) {
    const added = newKeysPerNamespace.get(namespace) ?? 0;
    newKeysPerNamespace.set(namespace, added);
    const id = storageKey(namespace, key);
    if (seen.has(id)) continue;
    seen.add(id);
    if (!(await live.isLive(namespace, key))) newKeysPerNamespace.set(namespace, added + 1);
  }

  let newNamespaces = 0;
  for (const [namespace, added] of newKeysPerNamespace) {
    if (added === 0) continue;
    const liveKeys = await live.liveKeyCount(namespace);
    if (liveKeys + added > limits.maxKeysPerNamespace) {
      throw namespaceFullError(namespace, liveKeys, limits.maxKeysPerNamespace);
    }
    if (liveKeys === 0) newNamespaces += 1;
  }
  if (newNamespaces === 0) return;
  const liveNamespaces = await live.liveNamespaceCount();
  if (liveNamespaces + newNamespaces > limits.maxNamespaces) {
    throw tooManyNamespacesError(liveNamespaces, limits.maxNamespaces);
  }
}
