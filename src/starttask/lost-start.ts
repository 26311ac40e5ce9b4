/**
 * A start whose answer was lost is not a failed start. When a backend's answer to a start did
 * not arrive (timeout, dropped connection) or was a 5xx or unreadable, the backend may still
 * have started the reload; only it can tell, so it is asked which runs of the task (reloads of
 * the app) may have begun since the request, and attribution.ts decides whether one of them is
 * this start's. Starts are never retried: retrying an unknown outcome could reload twice.
 * The backend adapters (backends/) say how to send a start and how to list runs.
 */
import { ServiceError } from '../errors.js';
import type { StartResult } from '../qrs/types.js';
import { attributeLostStart, type Candidate, type RunNouns } from './attribution.js';
import type { StartLedger } from './start-ledger.js';

/** The backend could not say whether the task started: neither started nor failed. */
export interface UnconfirmedStart {
  readonly started: false;
  readonly unconfirmed: true;
  readonly reason: string;
}

/** Started with the run's id (QRS execution session, Qlik Cloud reload), refused, or unconfirmed. */
export type StartOutcome = StartResult | UnconfirmedStart;

/**
 * How far a backend's clock may be from ours: a run that began up to this long before the
 * request, or after the answer was found lost, may still be this request's (README).
 */
export const CLOCK_ALLOWANCE_MS = 1_000;

/** The start's answer was lost: the backend may or may not have started the reload. */
export interface LostAnswer {
  readonly started: false;
  readonly lost: true;
  /** What went wrong with the answer, naming the call. */
  readonly message: string;
  /** The backend finished handling the start (a QRS 5xx): no run by now means none ever. */
  readonly final: boolean;
}

/** What one start attempt came to: an answer (started or refused) or a lost answer. */
export type SendOutcome = StartResult | LostAnswer;

/** One start, as its backend sends it and lists its runs afterwards. */
export interface StartAttempt {
  /** The task or app the ledger counts the start under. */
  readonly key: string;
  /** "QRS" or "Qlik Cloud", for the reasons. */
  readonly backend: string;
  readonly words: RunNouns;
  /** Sends the start once. Anything not the backend's trouble (a bug) throws. */
  send(): Promise<SendOutcome>;
  /** Runs that may have begun since `since`; throws a ServiceError when the backend cannot be asked. */
  runsSince(since: Date): Promise<Candidate[]>;
}

export interface StartConfirmDeps {
  /** This app's starts and the runs handed out, so none is credited twice. */
  readonly ledger: StartLedger;
  readonly now: () => number;
}

function unconfirmed(reason: string): UnconfirmedStart {
  return { started: false, unconfirmed: true, reason };
}

export function isUnconfirmed(outcome: StartOutcome): outcome is UnconfirmedStart {
  return !outcome.started && 'unconfirmed' in outcome;
}

function isLost(outcome: SendOutcome): outcome is LostAnswer {
  return !outcome.started && 'lost' in outcome;
}

/** What became of a start whose answer was `lost`, as far as the backend can tell. */
async function resolveLost(
  deps: StartConfirmDeps,
  attempt: StartAttempt,
  pending: { readonly requestedAt: number; othersOfTask(): number },
  lost: LostAnswer,
): Promise<StartOutcome> {
  const lostAt = deps.now();
  const { backend, words } = attempt;
  let candidates: Candidate[];
  try {
    candidates = await attempt.runsSince(new Date(pending.requestedAt - CLOCK_ALLOWANCE_MS));
  } catch (error) {
    if (!(error instanceof ServiceError)) throw error;
    return unconfirmed(`${lost.message}; ${backend} could not be asked whether it started: ${error.message}`);
  }
  const attribution = attributeLostStart({
    requestedAt: pending.requestedAt,
    lostAt,
    allowanceMs: CLOCK_ALLOWANCE_MS,
    candidates,
    isClaimed: (sessionId) => deps.ledger.isClaimed(sessionId),
    otherStartsOfTask: pending.othersOfTask(),
    words,
  });
  switch (attribution.kind) {
    case 'ours':
      deps.ledger.claim(attribution.sessionId, deps.now());
      return { started: true, executionSessionId: attribution.sessionId };
    case 'unsure':
      return unconfirmed(`${lost.message}; ${attribution.reason}`);
    case 'none': {
      const others = attribution.claimed.length === 0 ? '' : ` but those of other requests of this service (${attribution.claimed.join(', ')})`;
      const shown = `${lost.message}; ${backend} shows no ${words.run} of the ${words.target} since the request${lost.final ? '' : ' yet'}${others}`;
      return lost.final ? { started: false, reason: shown } : unconfirmed(`${shown}, it may still start`);
    }
  }
}

/** Starts once; a lost answer is resolved by asking the backend what happened. */
export async function startAndConfirm(deps: StartConfirmDeps, attempt: StartAttempt): Promise<StartOutcome> {
  const pending = deps.ledger.open(attempt.key, deps.now());
  try {
    const sent = await attempt.send();
    if (!isLost(sent)) {
      if (sent.started) deps.ledger.claim(sent.executionSessionId, deps.now());
      return sent;
    }
    return await resolveLost(deps, attempt, pending, sent);
  } finally {
    pending.settle();
  }
}
