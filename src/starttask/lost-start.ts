/**
 * A start whose answer was lost is not a failed start. When QRS's answer to a start did not
 * arrive (timeout, dropped connection) or was a 5xx or unreadable, QRS may still have started
 * the task; only QRS can tell, so it is asked which executions of the task may have begun
 * since the request, and attribution.ts decides whether one of them is this start's. Starts
 * are never retried: retrying an unknown outcome could start a reload twice.
 */
import { RequestCancelledError } from '../errors.js';
import { QrsError, QrsResponseError } from '../qrs/errors.js';
import type { QrsClient, QrsTask, StartResult } from '../qrs/types.js';
import { attributeLostStart, type Candidate } from './attribution.js';
import type { PendingStart, StartLedger } from './start-ledger.js';

/** QRS could not say whether the task started: neither started nor failed. */
export interface UnconfirmedStart {
  readonly started: false;
  readonly unconfirmed: true;
  readonly reason: string;
}

export type StartOutcome = StartResult | UnconfirmedStart;

/**
 * How far QRS's clock may be from ours: an execution that began up to this long before the
 * request, or after the answer was found lost, may still be this request's (README).
 */
export const CLOCK_ALLOWANCE_MS = 1_000;

export interface StartConfirmDeps {
  readonly qrs: QrsClient;
  /** This app's starts and the sessions handed out, so none is credited twice. */
  readonly ledger: StartLedger;
  readonly now: () => number;
}

/** QRS answered and refused: it handled the request and started nothing. */
function refused(error: QrsError): boolean {
  return error instanceof QrsResponseError && error.status !== undefined && error.status >= 400 && error.status < 500;
}

/** QRS answered with a 5xx: it finished handling the request, so "no execution" is final. */
function failedOnServer(error: QrsError): boolean {
  return error instanceof QrsResponseError && error.status !== undefined && error.status >= 500;
}

function unconfirmed(reason: string): UnconfirmedStart {
  return { started: false, unconfirmed: true, reason };
}

export function isUnconfirmed(outcome: StartOutcome): outcome is UnconfirmedStart {
  return !outcome.started && 'unconfirmed' in outcome;
}

/**
 * Every execution of the task that may have begun since `since`: its running sessions (a
 * queued or triggered one has no start time yet, so the results since then miss it) and its
 * results since then, each with its first start (a retry of an older run starts anew).
 */
async function executionsSince(qrs: QrsClient, taskId: string, since: Date): Promise<Candidate[]> {
  const [running, recent] = await Promise.all([
    qrs.getRunningSessionsOfTask(taskId),
    qrs.getExecutionResultsOfTaskSince(taskId, since),
  ]);
  const sessionIds = [...new Set([...running.map((session) => session.id), ...recent.map((result) => result.executionId)])];
  if (sessionIds.length === 0) return [];
  const firstStarts = await qrs.getFirstStartTimes(sessionIds);
  return sessionIds.map((sessionId) => {
    const began = firstStarts.get(sessionId) ?? null;
    return { sessionId, began: began === null ? null : Date.parse(began) };
  });
}

/** What became of a start whose answer was `lost`, as far as QRS can tell. */
async function resolveLost(deps: StartConfirmDeps, task: QrsTask, pending: PendingStart, lost: QrsError): Promise<StartOutcome> {
  const lostAt = deps.now();
  let candidates: Candidate[];
  try {
    candidates = await executionsSince(deps.qrs, task.id, new Date(pending.requestedAt - CLOCK_ALLOWANCE_MS));
  } catch (error) {
    if (!(error instanceof QrsError)) throw error;
    return unconfirmed(`${lost.message}; QRS could not be asked whether it started: ${error.message}`);
  }
  const attribution = attributeLostStart({
    requestedAt: pending.requestedAt,
    lostAt,
    allowanceMs: CLOCK_ALLOWANCE_MS,
    candidates,
    isClaimed: (sessionId) => deps.ledger.isClaimed(sessionId),
    otherStartsOfTask: pending.othersOfTask(),
  });
  switch (attribution.kind) {
    case 'ours':
      deps.ledger.claim(attribution.sessionId, deps.now());
      return { started: true, executionSessionId: attribution.sessionId };
    case 'unsure':
      return unconfirmed(`${lost.message}; ${attribution.reason}`);
    case 'none': {
      const final = failedOnServer(lost);
      const others = attribution.claimed.length === 0 ? '' : ` but those of other requests of this service (${attribution.claimed.join(', ')})`;
      const shown = `${lost.message}; QRS shows no execution of the task since the request${final ? '' : ' yet'}${others}`;
      return final ? { started: false, reason: shown } : unconfirmed(`${shown}, it may still start`);
    }
  }
}

/**
 * Starts `task` once; a lost answer is resolved by asking QRS what happened. Once `signal`
 * (the request's) is aborted the start is not sent, which is a plain failure: nothing started.
 */
export async function startAndConfirm(deps: StartConfirmDeps, task: QrsTask, signal?: AbortSignal): Promise<StartOutcome> {
  const pending = deps.ledger.open(task.id, deps.now());
  try {
    let lost: QrsError;
    try {
      const result = await deps.qrs.startTask(task.id, signal === undefined ? {} : { signal });
      if (result.started) deps.ledger.claim(result.executionSessionId, deps.now());
      return result;
    } catch (error) {
      if (error instanceof RequestCancelledError) return { started: false, reason: error.message };
      if (!(error instanceof QrsError)) throw error;
      if (refused(error)) return { started: false, reason: error.message };
      lost = error;
    }
    return await resolveLost(deps, task, pending, lost);
  } finally {
    pending.settle();
  }
}
