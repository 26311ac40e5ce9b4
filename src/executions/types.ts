/** Where one reload stands, as `GET /v4/reloadtask/execution/{executionId}` answers it. */
export interface ExecutionStatusAnswer {
  /** The execution session id the start answered. */
  readonly executionId: string;
  readonly taskId: string;
  /** null when QRS no longer knows the task (deleted since). */
  readonly taskName: string | null;
  /** QRS's status name: Triggered, Started, Queued, ..., FinishedSuccess, FinishedFail, ... */
  readonly status: string;
  /** The status in words, for people. */
  readonly statusText: string;
  /** ISO times; null when QRS has none (yet). */
  readonly startTime: string | null;
  readonly stopTime: string | null;
  /** Run time once finished; null while it runs. */
  readonly durationMs: number | null;
}

/** The last lines of a failed reload's script log, or why they are missing; at most one is set. */
export interface ScriptLogTailFields {
  /** Lines joined by `\n`, oldest first. */
  readonly scriptLogTail?: string;
  readonly scriptLogTailUnavailable?: string;
}

/** What the reader saw of one execution, plus what it needs to fetch its script log. */
export interface ExecutionSnapshot {
  readonly answer: ExecutionStatusAnswer;
  /** Whether the status will never change again. */
  readonly final: boolean;
  /** The QRS execution result, once QRS has one: where the script log is found. */
  readonly result: { readonly id: string; readonly fileReferenceId: string | null } | null;
}
