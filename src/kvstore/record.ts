/**
 * What a backend keeps per pair. Expiry is ours, not keyv's: keyv checks its own
 * `expires` against Date.now() and leaves expired SQLite rows in place (ttlSupport=false),
 * while this store needs one injectable clock for every backend and a sweep.
 */
export interface StoredPair {
  readonly namespace: string;
  readonly key: string;
  readonly value: string;
  /** TTL in ms as given at the latest write; 0 = none. */
  readonly ttl: number;
  /** Epoch ms at which the pair expires; NEVER when ttl is 0. A pair is live while now < expiresAt. */
  readonly expiresAt: number;
}

/** Expiry of a pair without TTL: sorts after every real time, in SQLite, Redis scores and JS alike. */
export const NEVER = Number.MAX_SAFE_INTEGER;

export function expiryOf(ttl: number, now: number): number {
  return ttl === 0 ? NEVER : Math.min(now + ttl, NEVER);
}

/** The value stored through keyv: `{v: value, t: ttl, e: expiresAt}`. */
export interface ValueRecord {
  readonly v: string;
  readonly t: number;
  readonly e: number;
}

export function toValueRecord(pair: StoredPair): ValueRecord {
  return { v: pair.value, t: pair.ttl, e: pair.expiresAt };
}

/** The pair behind a record read back from a backend, or undefined when it has expired or is not ours. */
export function fromValueRecord(namespace: string, key: string, record: unknown, now: number): StoredPair | undefined {
  if (typeof record !== 'object' || record === null) return undefined;
  const { v, t, e } = record as Partial<ValueRecord>;
  if (typeof v !== 'string' || typeof t !== 'number' || typeof e !== 'number') return undefined;
  if (e <= now) return undefined;
  return { namespace, key, value: v, ttl: t, expiresAt: e };
}

/**
 * Keyv's envelope around a stored value, serialised with plain JSON (the store gives keyv
 * JSON.stringify/JSON.parse instead of @keyv/serialize, which rewrites strings starting
 * with ':'). The Redis write script stores this exact text so keyv.get reads it back.
 */
export function keyvEnvelope(record: ValueRecord): string {
  return JSON.stringify({ value: record });
}
