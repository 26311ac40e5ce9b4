/**
 * The start-task answer. The first five keys are Butler's documented shape and are always
 * present; `tasksFailed`, `tasksUnconfirmed` and `executions` are ours, kept apart so Butler
 * clients that read only the documented keys see exactly what Butler would have sent for the
 * started tasks. A Qlik Cloud app reads as a task: the id the caller used and the app's name.
 */
import type { NameValue } from '../config/settings.js';
import type { BackendName } from './backend.js';

export interface StartedTaskEntry {
  readonly taskId: string;
  readonly taskName: string;
}

export interface TaskIdEntry {
  readonly taskId: string;
}

/** Where an entry's task runs; Qlik Cloud entries also name the app. */
export interface BackendFields {
  readonly backend: BackendName;
  /** Qlik Cloud only: the app reloaded (the caller's id may be a task id from Butler.qlikCloud.taskMap). */
  readonly appId?: string;
}

/** A task that certainly did not start; `taskName` is the id when its name could not be looked up. */
export interface FailedTaskEntry extends BackendFields {
  readonly taskId: string;
  readonly taskName: string;
  readonly reason: string;
}

/** A start whose answer was lost and the backend could not say whether it started: never retried. */
export interface UnconfirmedTaskEntry extends BackendFields {
  readonly taskId: string;
  readonly taskName: string;
  readonly reason: string;
}

export interface ExecutionEntry extends BackendFields {
  readonly taskId: string;
  readonly taskName: string;
  /** QRS: the execution session; Qlik Cloud: the reload id (as `reloadId`). */
  readonly executionSessionId: string;
  /** Qlik Cloud only. */
  readonly reloadId?: string;
}

/** A backend that could not be asked while the request went on with the other one. */
export interface BackendUnavailableEntry {
  readonly backend: BackendName;
  readonly reason: string;
  /** Allowed tags whose tasks on this backend could not be looked up (nor started). */
  readonly tags: string[];
  /** Allowed custom property values whose tasks could not be looked up (nor started). */
  readonly customProperties: NameValue[];
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
  /**
   * Tasks that certainly did not start: disabled, refused, not found, a QRS 5xx with no
   * execution, or named by an id whose backend could not be asked.
   */
  readonly tasksFailed: FailedTaskEntry[];
  /** Tasks whose start answer was lost and whose start the backend could not confirm or rule out. */
  readonly tasksUnconfirmed: UnconfirmedTaskEntry[];
  /** One per task confirmed as started, with the execution session (reload) it created. */
  readonly executions: ExecutionEntry[];
  /** Present only when one backend could not be asked and the request went on with the other. */
  readonly backendsUnavailable?: BackendUnavailableEntry[];
  /** Present only when reloadvariable items met QRS tasks, which take none. */
  readonly reloadVariablesIgnored?: ItemsIgnored;
  /** Present only when keyvaluestore items were ignored because the store is disabled. */
  readonly keyValueItemsIgnored?: ItemsIgnored;
}

/** Items that did not do what they ask for, and why (the tasks started regardless). */
export interface ItemsIgnored {
  readonly count: number;
  readonly reason: string;
}
