/**
 * Idempotency-Key for start requests: the first request with a key runs; a repeat of the
 * same request (same caller, method, URL and body) within the window gets the first answer
 * and starts nothing; the same key with another request is a 409, and so is a repeat while
 * the first is still running (waiting for it could hold a connection for the whole wait).
 */
import { createHash } from 'node:crypto';
import type { Logger } from 'winston';
import { BadRequestError } from '../errors.js';
import { IdempotencyInProgressError, IdempotencyKeyReusedError, IdempotencyUnavailableError } from './errors.js';
import type { IdempotencyRecord, IdempotencyStore, StoredAnswer } from './types.js';

export const MAX_IDEMPOTENCY_KEY_LENGTH = 200;
const VISIBLE_ASCII = /^[\x20-\x7E]+$/;
/** A stored answer outlives its request by at least this much, however late in the window it came. */
const MIN_ANSWER_TTL_MS = 1000;

export interface IdempotentRequest {
  readonly key: string;
  /** Keys are per caller (API key name), so one caller can never read another's answer. */
  readonly caller: string;
  readonly method: string;
  readonly url: string;
  readonly body: unknown;
}

export interface IdempotencyGuard {
  /**
   * Runs `work` unless this key was seen. `leaseMs` is how long the key stays claimed if this
   * process dies before answering. An answer is replayed only when `work` resolved: a thrown
   * error means nothing started, so the key is released and a retry runs again.
   */
  run(
    request: IdempotentRequest,
    leaseMs: number,
    work: () => Promise<StoredAnswer>,
  ): Promise<{ answer: StoredAnswer; replayed: boolean }>;
}

/** The header's value, undefined when absent; refuses an empty, too long or non-ASCII key. */
export function readIdempotencyKey(header: string | string[] | undefined): string | undefined {
  if (header === undefined) return undefined;
  const key = Array.isArray(header) ? header.join(', ') : header;
  if (key.length > MAX_IDEMPOTENCY_KEY_LENGTH) {
    throw new BadRequestError(`headers.idempotency-key is ${key.length} characters long; the limit is ${MAX_IDEMPOTENCY_KEY_LENGTH}`);
  }
  if (key.trim() === '' || !VISIBLE_ASCII.test(key)) {
    const got = key.trim() === '' ? 'an empty value' : 'a character outside printable ASCII';
    throw new BadRequestError(`headers.idempotency-key must be 1-${MAX_IDEMPOTENCY_KEY_LENGTH} printable ASCII characters (got ${got})`);
  }
  return key;
}

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

export function fingerprintOf(request: IdempotentRequest): string {
  return sha256(JSON.stringify([request.method, request.url, request.body ?? null]));
}

/** Hashed, so any key fits any backend's key rules and no caller's key is stored as given. */
export function storageKeyOf(request: IdempotentRequest): string {
  return sha256(JSON.stringify([request.caller, request.key]));
}

export function createIdempotencyGuard(deps: {
  store: IdempotencyStore;
  windowMs: number;
  logger: Logger;
  now?: () => number;
}): IdempotencyGuard {
  const { store, windowMs, logger } = deps;
  const now = deps.now ?? Date.now;

  async function backend<T>(operation: () => Promise<T>): Promise<T> {
    try {
      return await operation();
    } catch (error) {
      throw new IdempotencyUnavailableError(error);
    }
  }

  return {
    async run(request, leaseMs, work) {
      const key = storageKeyOf(request);
      const mine: IdempotencyRecord = { fingerprint: fingerprintOf(request), firstSeenAt: now() };
      const found = await backend(() => store.claim(key, mine, Math.min(leaseMs, windowMs)));
      if (found) {
        if (found.fingerprint !== mine.fingerprint) throw new IdempotencyKeyReusedError();
        if (!found.answer) throw new IdempotencyInProgressError();
        return { answer: found.answer, replayed: true };
      }
      let answer: StoredAnswer;
      try {
        answer = await work();
      } catch (error) {
        await store.remove(key).catch((removeError: unknown) => {
          logger.warn(`Idempotency-Key could not be released after a failed request (it expires by itself): ${String(removeError)}`);
        });
        throw error;
      }
      const ttlMs = Math.max(mine.firstSeenAt + windowMs - now(), MIN_ANSWER_TTL_MS);
      await store.put(key, { ...mine, answer }, ttlMs).catch((error: unknown) => {
        // The tasks did start: the caller gets its answer; a repeat gets 409 until the claim expires.
        logger.error(`Idempotency-Key answer could not be stored; repeats get 409 until the claim expires: ${String(error)}`);
      });
      return { answer, replayed: false };
    },
  };
}
