import type { StoredPair } from './record.js';

export interface CountLimits {
  readonly maxKeysPerNamespace: number;
  readonly maxNamespaces: number;
}

/**
 * What each storage backend provides to the store. `now` is passed in so every backend
 * uses the store's one clock. Reads see live pairs only (now < expiresAt). Methods throw
 * KvLimitError for count limits and anything else for a failed backend (the store turns
 * that into KvUnavailableError).
 */
export interface KvBackend {
  readonly name: 'memory' | 'sqlite' | 'redis';
  get(namespace: string, key: string, now: number): Promise<StoredPair | undefined>;
  /** Checks the count limits against live data and then writes every pair, or writes none. Resolves once stored. */
  write(pairs: readonly StoredPair[], limits: CountLimits, now: number): Promise<void>;
  /** Removes the pair (live or expired); true when it was live. */
  delete(namespace: string, key: string, now: number): Promise<boolean>;
  /** Removes every pair of the namespace; true when it had a live pair. */
  deleteNamespace(namespace: string, now: number): Promise<boolean>;
  /** Live keys, any order; empty when the namespace has none. */
  listKeys(namespace: string, now: number): Promise<string[]>;
  /** Namespaces with at least one live pair, any order. */
  listNamespaces(now: number): Promise<string[]>;
  /** Removes every expired pair; returns how many. */
  sweep(now: number): Promise<number>;
  close(): Promise<void>;
}
