import {
  executionStatusName,
  FINAL_EXECUTION_STATUSES,
  type ExecutionStatusName,
  type QrsExecutionReads,
  type QrsExecutionResult,
} from '../qrs/index.js';

/** What a waiting caller learns about one execution. */
export interface ExecutionState {
  readonly status: ExecutionStatusName;
  readonly statusText: string;
  /** ISO times; null while QRS has none. */
  readonly startTime: string | null;
  readonly stopTime: string | null;
  /** null until the execution has stopped. */
  readonly durationMs: number | null;
  readonly final: boolean;
}

const STATUS_TEXT: Record<ExecutionStatusName, string> = {
  NeverStarted: 'Never started',
  Triggered: 'Triggered, waiting for a scheduler',
  Started: 'Running',
  Queued: 'Queued',
  AbortInitiated: 'Abort initiated',
  Aborting: 'Aborting',
  Aborted: 'Aborted',
  FinishedSuccess: 'Finished successfully',
  FinishedFail: 'Failed',
  Skipped: 'Skipped',
  Retry: 'Failed, waiting to be retried',
  Error: 'Error',
  Reset: 'Reset',
};

/** The state QRS's latest execution result describes; an unknown status number reads as still running. */
export function stateOfResult(result: QrsExecutionResult): ExecutionState {
  const status = executionStatusName(result.status);
  if (status === undefined) {
    return { status: 'Started', statusText: `Unknown QRS status ${result.status}`, startTime: result.startTime, stopTime: null, durationMs: null, final: false };
  }
  const final = FINAL_EXECUTION_STATUSES.has(status);
  return {
    status,
    statusText: STATUS_TEXT[status],
    startTime: result.startTime,
    stopTime: final ? result.stopTime : null,
    durationMs: final ? result.durationMs : null,
    final,
  };
}

/** The poller's reader: one batched QRS read of the executions' latest results. */
export function readStatesFrom(qrs: QrsExecutionReads): (executionIds: readonly string[]) => Promise<Map<string, ExecutionState>> {
  return async (executionIds) => {
    const results = await qrs.getExecutionResults(executionIds);
    return new Map([...results].map(([id, result]) => [id, stateOfResult(result)]));
  };
}
