/**
 * What an Idempotency-Key holds: the request it was first used with (a fingerprint), and
 * once that request has answered, the answer to replay. Stored as JSON text in every backend.
 */
export interface IdempotencyRecord {
  /** SHA-256 of method, URL and body of the first request. */
  readonly fingerprint: string;
  /** Epoch ms of the first request: the window counts from here. */
  readonly firstSeenAt: number;
  /** Absent while the first request is still running. */
  readonly answer?: StoredAnswer;
}

export interface StoredAnswer {
  readonly statusCode: number;
  readonly body: unknown;
}

/**
 * Records by storage key (already scoped to the caller and hashed). Implementations must
 * make `claim` atomic across every instance sharing the backend.
 */
export interface IdempotencyStore {
  /** Stores `record` unless a live record is there; returns that live record, or undefined when the claim is ours. */
  claim(key: string, record: IdempotencyRecord, ttlMs: number): Promise<IdempotencyRecord | undefined>;
  /** Replaces the record, live for ttlMs. */
  put(key: string, record: IdempotencyRecord, ttlMs: number): Promise<void>;
  remove(key: string): Promise<void>;
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
