/** QRS's execution status names by number: TaskExecutionStatus (QRS API reference; Butler's table stops at 12). */
export const EXECUTION_STATUS_NAMES = [
  'NeverStarted',
  'Triggered',
  'Started',
  'Queued',
  'AbortInitiated',
  'Aborting',
  'Aborted',
  'FinishedSuccess',
  'FinishedFail',
  'Skipped',
  'Retry',
  'Error',
  'Reset',
  'DistributionQueue',
  'DistributionRunning',
] as const;

export type ExecutionStatusName = (typeof EXECUTION_STATUS_NAMES)[number];

/** Statuses after which an execution never changes again (not Retry: a new result follows it). */
export const FINAL_EXECUTION_STATUSES: ReadonlySet<ExecutionStatusName> = new Set([
  'Aborted',
  'FinishedSuccess',
  'FinishedFail',
  'Skipped',
  'Error',
  'Reset',
]);

/** A running reload as `/qrs/executionsession/full` describes it (QRS deletes it when it ends). */
export interface QrsExecutionSession {
  /** The execution session id the start answered. */
  readonly id: string;
  readonly status: number;
  /** The task it runs, when QRS says so. */
  readonly taskId: string | undefined;
}

/** One run of a task as `/qrs/executionresult/full` describes it; it outlives the session. */
export interface QrsExecutionResult {
  readonly id: string;
  /** ISO time QRS created the result (each retry creates one); null when QRS does not say. */
  readonly createdTime: string | null;
  /** The execution session id this result belongs to. */
  readonly executionId: string;
  readonly taskId: string;
  readonly status: number;
  /** ISO time; null when QRS says "never" (1753-01-01). */
  readonly startTime: string | null;
  readonly stopTime: string | null;
  readonly durationMs: number;
  /** The script log's file reference (older QRS's scriptlog API); null while there is none. */
  readonly fileReferenceId: string | null;
}

/**
 * Batch reads of executions, part of QrsClient. Ids are execution session ids; each call
 * asks QRS with one `or` filter per chunk (at most Butler.configQRS.maxIdsPerLookup ids, and
 * within maxUrlLength), one chunk after the other. Result maps are keyed by the lower-cased id; ids QRS does not know are absent.
 */
export interface QrsExecutionReads {
  /** Running executions: QRS has deleted the session of every finished one. */
  getExecutionSessions(executionIds: readonly string[]): Promise<Map<string, QrsExecutionSession>>;
  /** The latest result of each execution (a retried one has several: see latest-result.ts), running or finished. */
  getExecutionResults(executionIds: readonly string[]): Promise<Map<string, QrsExecutionResult>>;
  /** Results of one task that started at or after `since`, newest first. */
  getExecutionResultsOfTaskSince(taskId: string, since: Date): Promise<QrsExecutionResult[]>;
  /** The running sessions of one task, queued and triggered ones included. */
  getRunningSessionsOfTask(taskId: string): Promise<QrsExecutionSession[]>;
  /**
   * When each execution first began: the earliest start time among its results (a retried run
   * has several); null while none has begun. Ids QRS has no result for are absent.
   */
  getFirstStartTimes(executionIds: readonly string[]): Promise<Map<string, string | null>>;
}

export function executionStatusName(status: number): ExecutionStatusName | undefined {
  return EXECUTION_STATUS_NAMES[status];
}
