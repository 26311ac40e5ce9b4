/** A stored pair as the API shows it; `ttl` is the TTL in ms given at the latest write (0 = none). */
export interface KvPair {
  readonly namespace: string;
  readonly key: string;
  readonly value: string;
  readonly ttl: number;
}

/**
 * The key-value store. Namespace and key are kept apart in every backend (no "ns:key"
 * strings). Methods throw KvError subclasses: a limit refusal (4xx) or an unavailable
 * backend (503); "not found" is an ordinary return value.
 */
export interface KvStore {
  get(namespace: string, key: string): Promise<KvPair | undefined>;
  /** Resolves only once the pair is durably stored. ttlMs 0 = no expiry. */
  set(namespace: string, key: string, value: string, ttlMs: number): Promise<KvPair>;
  /** Writes all pairs or refuses before writing any when a limit would be exceeded. */
  setMany(pairs: readonly KvPair[]): Promise<void>;
  /** false when the key did not exist. */
  delete(namespace: string, key: string): Promise<boolean>;
  /** false when the namespace did not exist. */
  deleteNamespace(namespace: string): Promise<boolean>;
  /** Live keys of a namespace, or undefined when it has none. */
  listKeys(namespace: string): Promise<string[] | undefined>;
  /** Namespaces holding at least one live pair. */
  listNamespaces(): Promise<string[]>;
  /** Removes expired pairs; returns how many. Also run periodically by the store. */
  sweepExpired(): Promise<number>;
  close(): Promise<void>;
}
