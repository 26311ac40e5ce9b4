/**
 * A start whose answer was lost is not a failed start. When QRS's answer to a start did not
 * arrive (timeout, dropped connection) or was a 5xx or unreadable, QRS may still have started
 * the task; only QRS can tell, so it is asked for executions of the task since the request
 * began. Starts are never retried: retrying an unknown outcome could start a reload twice.
 */
import { RequestCancelledError } from '../errors.js';
import { QrsError, QrsResponseError } from '../qrs/errors.js';
import type { QrsClient, QrsTask, StartResult } from '../qrs/types.js';

/** QRS could not say whether the task started: neither started nor failed. */
export interface UnconfirmedStart {
  readonly started: false;
  readonly unconfirmed: true;
  readonly reason: string;
}

export type StartOutcome = StartResult | UnconfirmedStart;

/**
 * How far before the request an execution may have started and still count as this
 * request's: allows for QRS's clock being a little behind ours. A different start of the same
 * task within this window would be taken for ours (documented in the README).
 */
export const CLOCK_ALLOWANCE_MS = 1_000;

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
 * Starts `task` once; a lost answer is resolved by asking QRS what happened. Once `signal`
 * (the request's) is aborted the start is not sent, which is a plain failure: nothing started.
 */
export async function startAndConfirm(
  qrs: QrsClient,
  task: QrsTask,
  now: () => number = Date.now,
  signal?: AbortSignal,
): Promise<StartOutcome> {
  const since = new Date(now() - CLOCK_ALLOWANCE_MS);
  let lost: QrsError;
  try {
    return await qrs.startTask(task.id, signal === undefined ? {} : { signal });
  } catch (error) {
    if (error instanceof RequestCancelledError) return { started: false, reason: error.message };
    if (!(error instanceof QrsError)) throw error;
    if (refused(error)) return { started: false, reason: error.message };
    lost = error;
  }
  let found;
  try {
    found = await qrs.getExecutionResultsOfTaskSince(task.id, since);
  } catch (error) {
    if (!(error instanceof QrsError)) throw error;
    return unconfirmed(`${lost.message}; QRS could not be asked whether it started: ${error.message}`);
  }
  const newest = found[0];
  if (newest !== undefined) return { started: true, executionSessionId: newest.executionId };
  if (failedOnServer(lost)) {
    return { started: false, reason: `${lost.message}; QRS shows no execution of the task since the request` };
  }
  return unconfirmed(`${lost.message}; QRS shows no execution of the task since the request yet, it may still start`);
}
