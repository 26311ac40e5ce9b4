/**
 * The start-task answer. The first seven keys are Butler's documented shape and are always
 * present; `tasksFailed` and `executions` are ours, kept apart so Butler clients that read
 * only the documented keys see exactly what Butler would have sent for the started tasks.
 */
export interface StartedTaskEntry {
  readonly taskId: string;
  readonly taskName: string;
}

export interface TaskIdEntry {
  readonly taskId: string;
}

export interface FailedTaskEntry {
  readonly taskId: string;
  readonly taskName: string;
  readonly reason: string;
}

export interface ExecutionEntry {
  readonly taskId: string;
  readonly taskName: string;
  readonly executionSessionId: string;
}

export interface StartTaskResponse {
  readonly tasksId: {
    readonly started: StartedTaskEntry[];
    readonly invalid: TaskIdEntry[];
    readonly denied: TaskIdEntry[];
  };
  readonly tasksTag: StartedTaskEntry[];
  readonly tasksTagDenied: { readonly tag: string }[];
  readonly tasksCP: StartedTaskEntry[];
  readonly tasksCPDenied: { readonly name: string; readonly value: string }[];
  /** Tasks selected but not started: disabled, refused by QRS, or QRS failed mid-way. */
  readonly tasksFailed: FailedTaskEntry[];
  /** One per task QRS confirmed as started, with the execution session it created. */
  readonly executions: ExecutionEntry[];
}
