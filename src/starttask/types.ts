/**
 * The start-task answer. The first five keys are Butler's documented shape and are always
 * present; `tasksFailed`, `tasksUnconfirmed` and `executions` are ours, kept apart so Butler
 * clients that read only the documented keys see exactly what Butler would have sent for the
 * started tasks.
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

/** A start whose answer was lost and QRS could not say whether it started: never retried. */
export interface UnconfirmedTaskEntry {
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
  /** Tasks QRS certainly did not start: disabled, refused, not found, or a 5xx with no execution. */
  readonly tasksFailed: FailedTaskEntry[];
  /** Tasks whose start answer was lost and whose start QRS could not confirm or rule out. */
  readonly tasksUnconfirmed: UnconfirmedTaskEntry[];
  /** One per task QRS confirmed as started, with the execution session it created. */
  readonly executions: ExecutionEntry[];
  /** Present only when keyvaluestore items were ignored because the store is disabled. */
  readonly keyValueItemsIgnored?: KeyValueItemsIgnored;
}

/** Butler documents that key-value items are ignored (and the tasks started) while its store is off. */
export interface KeyValueItemsIgnored {
  readonly count: number;
  readonly reason: string;
}
