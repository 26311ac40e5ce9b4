/** Pure: QRS's session and result of one execution → the status answer. */
import {
  executionStatusName,
  FINAL_EXECUTION_STATUSES,
  type ExecutionStatusName,
  type QrsExecutionResult,
  type QrsExecutionSession,
} from '../qrs/execution-types.js';
import type { QrsExecutionSnapshot } from './types.js';

const STATUS_TEXT: Readonly<Record<ExecutionStatusName, string>> = {
  NeverStarted: 'Never started',
  Triggered: 'Triggered, about to start',
  Started: 'Running',
  Queued: 'Queued, waiting for a free reload slot',
  AbortInitiated: 'Abort requested',
  Aborting: 'Aborting',
  Aborted: 'Aborted',
  FinishedSuccess: 'Finished successfully',
  FinishedFail: 'Failed',
  Skipped: 'Skipped',
  Retry: 'Failed, waiting to be retried',
  Error: 'Ended with an error',
  Reset: 'Reset',
  DistributionQueue: 'Reloaded, queued for distribution',
  DistributionRunning: 'Reloaded, being distributed',
};

/** Statuses whose script log tells why the reload did not succeed. */
export const LOG_WORTHY_STATUSES: ReadonlySet<string> = new Set(['FinishedFail', 'Error', 'Aborted']);

/**
 * The status of an execution from what QRS holds: the session while it runs (QRS deletes it
 * at the end), the result otherwise. null when QRS holds neither (unknown id).
 */
export function snapshotOf(
  executionId: string,
  session: QrsExecutionSession | undefined,
  result: QrsExecutionResult | undefined,
  taskNames: ReadonlyMap<string, string>,
): QrsExecutionSnapshot | null {
  const taskId = result?.taskId ?? session?.taskId;
  if (taskId === undefined || (session === undefined && result === undefined)) return null;
  const code = session?.status ?? (result as QrsExecutionResult).status;
  const name = executionStatusName(code);
  const final = name !== undefined && FINAL_EXECUTION_STATUSES.has(name) && session === undefined;
  const stopTime = final ? (result?.stopTime ?? null) : null;
  return {
    backend: 'qlik-sense',
    answer: {
      executionId: executionId.toLowerCase(),
      taskId,
      taskName: taskNames.get(taskId.toLowerCase()) ?? null,
      status: name ?? `Unknown(${code})`,
      statusText: name === undefined ? `QRS status ${code}, not one this service knows` : STATUS_TEXT[name],
      startTime: result?.startTime ?? null,
      stopTime,
      durationMs: final && result !== undefined ? result.durationMs : null,
      backend: 'qlik-sense',
    },
    final,
    result: result === undefined ? null : { id: result.id, fileReferenceId: result.fileReferenceId },
  };
}
