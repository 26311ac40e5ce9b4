/**
 * The start answer with what the wait learnt: each execution gains its state (and, for a
 * failed reload, its script log tail), and the answer a `wait` summary. Pure: the route and
 * the callback both send what this builds.
 */
import type { ExecutionSnapshot, ExecutionStatusAnswer, ScriptLogTailFields } from '../executions/index.js';
import type { ExecutionEntry, StartTaskResponse } from '../starttask/index.js';
import type { WaitOutcome, WaitResult } from './poller.js';

export type WaitedExecutionEntry = ExecutionEntry &
  ScriptLogTailFields & {
    /** QRS's status name; null when QRS has not reported the execution yet. */
    readonly status: string | null;
    readonly statusText: string;
    readonly startTime: string | null;
    readonly stopTime: string | null;
    readonly durationMs: number | null;
    /** Why a status is not final: the wait ended first, or QRS could not be asked. */
    readonly statusReason?: string;
  };

export interface WaitSummary {
  readonly outcome: WaitOutcome;
  /** Every started task reached a final state. */
  readonly finished: boolean;
  /** The timeout that applied, after the cap. */
  readonly timeoutSeconds: number;
}

export type WaitedStartTaskResponse = Omit<StartTaskResponse, 'executions'> & {
  readonly executions: WaitedExecutionEntry[];
  readonly wait: WaitSummary;
};

function reasonFor(result: WaitResult, seen: ExecutionSnapshot | undefined, timeoutSeconds: number): string {
  if (result.pollError) return `QRS could not be asked since ${result.pollError.since}: ${result.pollError.message}`;
  const last = seen ? `last seen: ${seen.answer.status}` : 'QRS has not reported this execution yet';
  switch (result.outcome) {
    case 'timeout':
      return `not finished when the wait ended after ${timeoutSeconds} s (${last})`;
    case 'cancelled':
      return `the caller went away before it finished (${last})`;
    case 'stopped':
      return `the service stopped before it finished (${last})`;
    case 'finished':
      return last;
  }
}

type StateFields = Pick<ExecutionStatusAnswer, 'statusText' | 'startTime' | 'stopTime' | 'durationMs'> & { status: string | null };

/**
 * Waits and callbacks follow QRS executions only, for now: a Qlik Cloud reload is reported
 * as not followed (never as finished), so a caller does not mistake it for done.
 */
export function isFollowed(entry: ExecutionEntry): boolean {
  return entry.backend !== 'qlik-cloud';
}

const NOT_FOLLOWED: StateFields & { statusReason: string } = {
  status: null,
  statusText: 'Not followed',
  startTime: null,
  stopTime: null,
  durationMs: null,
  statusReason:
    'a Qlik Cloud reload: wait=true and callbacks do not follow Qlik Cloud reloads yet; ask Qlik Cloud for this reloadId',
};

/** `tails` by lower-cased execution id: the script log fields of failed reloads. */
export function withExecutionStates(
  answer: StartTaskResponse,
  result: WaitResult,
  timeoutSeconds: number,
  tails: ReadonlyMap<string, ScriptLogTailFields> = new Map(),
): WaitedStartTaskResponse {
  const executions = answer.executions.map((entry): WaitedExecutionEntry => {
    if (!isFollowed(entry)) return { ...entry, ...NOT_FOLLOWED };
    const id = entry.executionSessionId.toLowerCase();
    const seen = result.states.get(id);
    const state: StateFields = {
      status: seen?.answer.status ?? null,
      statusText: seen?.answer.statusText ?? 'Not reported by QRS yet',
      startTime: seen?.answer.startTime ?? null,
      stopTime: seen?.answer.stopTime ?? null,
      durationMs: seen?.answer.durationMs ?? null,
    };
    if (!seen?.final) return { ...entry, ...state, statusReason: reasonFor(result, seen, timeoutSeconds) };
    return { ...entry, ...state, ...tails.get(id) };
  });
  return {
    ...answer,
    executions,
    wait: { outcome: result.outcome, finished: executions.every((e) => e.statusReason === undefined), timeoutSeconds },
  };
}
