/**
 * What an Idempotency-Key holds: the request it was first used with (a fingerprint), the
 * claim of the request running it (a token and a lease it renews), and once its tasks were
 * started, the start answer. Stored as JSON text in every backend, for the whole window.
 *
 * Records of the previous release have no token and no lease, and their answer is the
 * answer as it was sent (after any wait). They stay readable: see the guard.
 */
export interface IdempotencyRecord {
  /** SHA-256 of method, URL and body of the first request. */
  readonly fingerprint: string;
  /** Epoch ms of the first request: the window counts from here. */
  readonly firstSeenAt: number;
  /** Random, per claim: only the request holding it may renew, answer or release the record. */
  readonly token?: string;
  /** Epoch ms until which the claiming request is known to run; it renews this while it runs. */
  readonly leaseUntil?: number;
  /** Absent while the first request has not started its tasks (or could not store what it started). */
  readonly answer?: StoredAnswer;
}

/** A record written by this release: it always carries its claim's token and lease. */
export type ClaimRecord = IdempotencyRecord & { readonly token: string; readonly leaseUntil: number };

export interface StoredAnswer {
  readonly statusCode: number;
  readonly body: unknown;
}

/**
 * Records by storage key (already scoped to the caller and hashed). Every operation is
 * atomic across every instance sharing the backend. A record is gone once its TTL passed.
 */
export interface IdempotencyStore {
  /** Stores `record` unless a live record is there; returns that live record, or undefined when the claim is ours. */
  claim(key: string, record: ClaimRecord, ttlMs: number): Promise<IdempotencyRecord | undefined>;
  /**
   * Replaces the record with `record` (live for ttlMs) if the stored one holds `record.token`
   * and no answer yet: a renewal never undoes an answer, nor touches another request's claim.
   */
  renew(key: string, record: ClaimRecord, ttlMs: number): Promise<boolean>;
  /** Replaces the record with `record` (live for ttlMs) if the stored one holds `record.token`. */
  put(key: string, record: ClaimRecord, ttlMs: number): Promise<boolean>;
  /** Deletes the record if it holds `token`. */
  remove(key: string, token: string): Promise<boolean>;
  close(): Promise<void>;
}

/** A stored record read back; undefined for anything not written by this module. */
export function parseRecord(text: unknown): IdempotencyRecord | undefined {
  if (typeof text !== 'string') return undefined;
  try {
    const value = JSON.parse(text) as Partial<IdempotencyRecord>;
    if (typeof value.fingerprint !== 'string' || typeof value.firstSeenAt !== 'number') return undefined;
    return value as IdempotencyRecord;
  } catch {
    return undefined;
  }
}
