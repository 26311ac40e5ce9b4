/**
 * The start answer with what the wait learnt: each execution gains its state (and, for a
 * failed reload, its script log tail), and the answer a `wait` summary. Pure: the route and
 * the callback both send what this builds.
 */
import { backendWords, type BackendName, type ExecutionSnapshot, type ExecutionStatusAnswer, type ScriptLogTailFields } from '../executions/index.js';
import type { ExecutionEntry, StartTaskResponse } from '../starttask/index.js';
import type { FollowResult } from './backend-pollers.js';
import type { PollError, WaitOutcome } from './poller.js';
import { followKey, followTargetOf } from './targets.js';

export type WaitedExecutionEntry = ExecutionEntry &
  ScriptLogTailFields & {
    /** The backend's status name; null when it has not reported the execution yet. */
    readonly status: string | null;
    readonly statusText: string;
    readonly startTime: string | null;
    readonly stopTime: string | null;
    readonly durationMs: number | null;
    /** Why a status is not final: the wait ended first, or the backend could not be asked. */
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

const NOT_REPORTED: Readonly<Record<BackendName, string>> = {
  'qlik-sense': 'QRS has not reported this execution yet',
  'qlik-cloud': 'Qlik Cloud has not reported this reload yet',
};

function reasonFor(
  outcome: WaitOutcome,
  backend: BackendName,
  pollError: PollError | undefined,
  seen: ExecutionSnapshot | undefined,
  timeoutSeconds: number,
): string {
  if (pollError) return `${backendWords([backend])} could not be asked since ${pollError.since}: ${pollError.message}`;
  const last = seen ? `last seen: ${seen.answer.status}` : NOT_REPORTED[backend];
  switch (outcome) {
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

/** `tails` by followKey: the script log fields of failed reloads. */
export function withExecutionStates(
  answer: StartTaskResponse,
  result: FollowResult,
  timeoutSeconds: number,
  tails: ReadonlyMap<string, ScriptLogTailFields> = new Map(),
): WaitedStartTaskResponse {
  const executions = answer.executions.map((entry): WaitedExecutionEntry => {
    const target = followTargetOf(entry);
    const key = followKey(target);
    const seen = result.states.get(key);
    const state: StateFields = {
      status: seen?.answer.status ?? null,
      statusText: seen?.answer.statusText ?? `Not reported by ${backendWords([target.backend])} yet`,
      startTime: seen?.answer.startTime ?? null,
      stopTime: seen?.answer.stopTime ?? null,
      durationMs: seen?.answer.durationMs ?? null,
    };
    if (!seen?.final) {
      const reason = reasonFor(result.outcome, target.backend, result.pollErrors.get(target.backend), seen, timeoutSeconds);
      return { ...entry, ...state, statusReason: reason };
    }
    return { ...entry, ...state, ...tails.get(key) };
  });
  return {
    ...answer,
    executions,
    wait: { outcome: result.outcome, finished: executions.every((e) => e.statusReason === undefined), timeoutSeconds },
  };
}
