/**
 * Idempotency-Key for start requests: the first request with a key runs; a repeat of the
 * same request (same caller, method, URL and body) within the window gets what the first
 * started and starts nothing; the same key with another request is a 409, and so is a
 * repeat while the first is still starting its tasks.
 *
 * What is stored is the start answer, not what a wait made of it: a wait the caller never
 * saw the end of (it went away, the service stopped) is no answer to replay. The route
 * follows the started executions afresh for a repeat that asks to wait.
 *
 * A claim lives for the whole window from the first request, so a key is never run twice
 * within it. Its lease says the request is still running: the request renews it, so a slow
 * start keeps its claim however long it takes. A record whose lease ran out without an answer
 * (the instance stopped, or the answer could not be stored) may stand for started tasks: a
 * repeat is refused with a 409 saying so, never run again.
 */
import { createHash, randomUUID } from 'node:crypto';
import type { Logger } from 'winston';
import { BadRequestError } from '../errors.js';
import {
  IdempotencyInProgressError,
  IdempotencyKeyReusedError,
  IdempotencyOutcomeUnknownError,
  IdempotencyUnavailableError,
} from './errors.js';
import type { ClaimRecord, IdempotencyRecord, IdempotencyStore, StoredAnswer } from './types.js';

export const MAX_IDEMPOTENCY_KEY_LENGTH = 200;
const VISIBLE_ASCII = /^[\x20-\x7E]+$/;
/** A stored answer outlives its request by at least this much, however late in the window it came. */
const MIN_ANSWER_TTL_MS = 1000;
/**
 * How long a claim stays "in progress" without a renewal. The running request renews it
 * three times per lease, so two renewals in a row may fail (the backend's timeouts are a
 * few seconds) before a repeat is told the outcome was not recorded.
 */
const IDEMPOTENCY_LEASE_MS = 60_000;
const RENEWALS_PER_LEASE = 3;

export interface IdempotentRequest {
  readonly key: string;
  /** Keys are per caller (API key name), so one caller can never read another's answer. */
  readonly caller: string;
  readonly method: string;
  readonly url: string;
  readonly body: unknown;
}

/** What the guard answers with; `kind` says whether the start ran here. */
export type GuardedAnswer =
  /** The start ran for this request: its answer. */
  | { readonly kind: 'fresh'; readonly answer: StoredAnswer }
  /** A repeat: the first request's start answer; nothing started. Its executions may be followed again. */
  | { readonly kind: 'replayed-start'; readonly answer: StoredAnswer }
  /** A repeat of a request the previous release answered: its answer as it was sent; nothing started. */
  | { readonly kind: 'replayed-as-sent'; readonly answer: StoredAnswer };

export interface IdempotencyGuard {
  /**
   * Runs `start` unless this key was seen, holding the key's claim while it runs. The answer
   * is stored only when `start` resolved: a thrown error means nothing started, so the key
   * is released and a retry runs again.
   */
  run(request: IdempotentRequest, start: () => Promise<StoredAnswer>): Promise<GuardedAnswer>;
}

/**
 * Calls `tick` every `intervalMs` until the returned function is called. `tick` resolves
 * when the work it began is done (a seam for tests, which fire ticks themselves).
 */
export type RepeatEvery = (intervalMs: number, tick: () => Promise<void>) => () => void;

const everyInterval: RepeatEvery = (intervalMs, tick) => {
  const timer = setInterval(() => void tick(), intervalMs);
  // A renewal never keeps the process alive: shutdown ends the requests that need it.
  timer.unref();
  return () => clearInterval(timer);
};

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

/** A repeat's answer from the record it found; refuses it when there is nothing to replay. */
function replayOf(found: IdempotencyRecord, fingerprint: string, now: number): GuardedAnswer {
  if (found.fingerprint !== fingerprint) throw new IdempotencyKeyReusedError();
  if (found.answer) {
    // Without a token the previous release wrote it: its answer is what it sent, wait included.
    return { kind: found.token === undefined ? 'replayed-as-sent' : 'replayed-start', answer: found.answer };
  }
  // The previous release's claims have no lease: in progress until they expire, as they were then.
  if (found.leaseUntil === undefined || found.leaseUntil > now) throw new IdempotencyInProgressError();
  throw new IdempotencyOutcomeUnknownError();
}

export function createIdempotencyGuard(deps: {
  store: IdempotencyStore;
  windowMs: number;
  logger: Logger;
  now?: () => number;
  leaseMs?: number;
  repeatEvery?: RepeatEvery;
}): IdempotencyGuard {
  const { store, windowMs, logger } = deps;
  const now = deps.now ?? Date.now;
  const leaseMs = deps.leaseMs ?? IDEMPOTENCY_LEASE_MS;
  const repeatEvery = deps.repeatEvery ?? everyInterval;

  async function backend<T>(operation: () => Promise<T>): Promise<T> {
    try {
      return await operation();
    } catch (error) {
      throw new IdempotencyUnavailableError(error);
    }
  }

  /**
   * Renews the claim's lease until the returned function is called (it waits for a renewal
   * under way). The record's TTL covers the window and the lease, whichever ends later.
   */
  function keepClaimed(key: string, mine: ClaimRecord): () => Promise<void> {
    let renewing: Promise<void> | undefined;
    let held = true;
    let ended = false;
    const renew = async () => {
      const at = now();
      const leaseUntil = at + leaseMs;
      try {
        held = await store.renew(key, { ...mine, leaseUntil }, Math.max(mine.firstSeenAt + windowMs, leaseUntil) - at);
        if (!held) logger.warn('Idempotency-Key claim is no longer held by its running request; it is not renewed any more');
      } catch (error) {
        logger.warn(`Idempotency-Key claim could not be renewed (retried at the next renewal): ${String(error)}`);
      }
    };
    const stop = repeatEvery(leaseMs / RENEWALS_PER_LEASE, async () => {
      // A tick already due when the request ended renews nothing.
      if (!held || ended) return;
      // One renewal at a time: a tick during a slow one waits for it instead.
      renewing ??= renew().finally(() => (renewing = undefined));
      await renewing;
    });
    return async () => {
      ended = true;
      stop();
      await renewing;
    };
  }

  /** Stores what the start did; a repeat gets it for the rest of the window. */
  async function record(key: string, answered: ClaimRecord): Promise<void> {
    const ttlMs = Math.max(answered.firstSeenAt + windowMs - now(), MIN_ANSWER_TTL_MS);
    const failure = await store.put(key, answered, ttlMs).then(
      (stored) => (stored ? undefined : 'the key is no longer held by this request'),
      (error: unknown) => String(error),
    );
    // The tasks did start: the caller gets its answer; a repeat is refused (409), never run again.
    if (failure !== undefined) {
      logger.error(`Idempotency-Key answer could not be stored (${failure}); a repeat with this key gets a 409 saying its outcome was not recorded`);
    }
  }

  return {
    async run(request, start) {
      const key = storageKeyOf(request);
      const firstSeenAt = now();
      const mine: ClaimRecord = { fingerprint: fingerprintOf(request), firstSeenAt, token: randomUUID(), leaseUntil: firstSeenAt + leaseMs };
      const found = await backend(() => store.claim(key, mine, Math.max(windowMs, leaseMs)));
      if (found) return replayOf(found, mine.fingerprint, now());

      const stopRenewing = keepClaimed(key, mine);
      let answer: StoredAnswer;
      try {
        answer = await start();
      } catch (error) {
        await stopRenewing();
        await store.remove(key, mine.token).catch((removeError: unknown) => {
          logger.warn(`Idempotency-Key could not be released after a failed request; a repeat gets a 409 until the window ends: ${String(removeError)}`);
        });
        throw error;
      }
      await stopRenewing();
      await record(key, { ...mine, answer });
      return { kind: 'fresh', answer };
    },
  };
}
