/**
 * The start answer with what the wait learnt: each execution gains its state, and the
 * answer a `wait` summary. Pure: the route and the callback both send what this builds.
 */
import type { ExecutionEntry, StartTaskResponse } from '../starttask/index.js';
import type { ExecutionState } from './execution-state.js';
import type { WaitOutcome, WaitResult } from './poller.js';

export interface WaitedExecutionEntry extends ExecutionEntry {
  /** QRS's status name; null when QRS has not reported the execution yet. */
  readonly status: ExecutionState['status'] | null;
  readonly statusText: string;
  readonly startTime: string | null;
  readonly stopTime: string | null;
  readonly durationMs: number | null;
  /** Why a status is not final: the wait ended first, or QRS could not be asked. */
  readonly statusReason?: string;
}

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

function reasonFor(outcome: WaitOutcome, result: WaitResult, seen: ExecutionState | undefined, timeoutSeconds: number): string {
  if (result.pollError) return `QRS could not be asked since ${result.pollError.since}: ${result.pollError.message}`;
  const last = seen ? `last seen: ${seen.status}` : 'QRS has not reported this execution yet';
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

export function withExecutionStates(answer: StartTaskResponse, result: WaitResult, timeoutSeconds: number): WaitedStartTaskResponse {
  const executions = answer.executions.map((entry): WaitedExecutionEntry => {
    const seen = result.states.get(entry.executionSessionId.toLowerCase());
    const state = {
      status: seen?.status ?? null,
      statusText: seen?.statusText ?? 'Not reported by QRS yet',
      startTime: seen?.startTime ?? null,
      stopTime: seen?.stopTime ?? null,
      durationMs: seen?.durationMs ?? null,
    };
    return seen?.final ? { ...entry, ...state } : { ...entry, ...state, statusReason: reasonFor(result.outcome, result, seen, timeoutSeconds) };
  });
  return {
    ...answer,
    executions,
    wait: { outcome: result.outcome, finished: executions.every((e) => e.statusReason === undefined), timeoutSeconds },
  };
}
