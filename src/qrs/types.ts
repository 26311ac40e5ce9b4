import type { QrsExecutionReads } from './execution-types.js';
import type { QrsScriptLogs } from './script-log.js';

/** What the service needs to know about a task, read from QRS `task/full` objects. */
export interface QrsTask {
  readonly id: string;
  readonly name: string;
  readonly enabled: boolean;
  readonly taskType: number;
  readonly tags: readonly string[];
  readonly customProperties: readonly { readonly name: string; readonly value: string }[];
}

/** Result of a synchronous start: QRS either confirmed an execution session or said no. */
export type StartResult =
  | { readonly started: true; readonly executionSessionId: string }
  | { readonly started: false; readonly reason: string };

export interface QrsAbout {
  readonly buildVersion: string;
}

/** Everything one request looks up in QRS. */
export interface TaskQuery {
  readonly taskIds: readonly string[];
  readonly tags: readonly string[];
  readonly customProperties: readonly { readonly name: string; readonly value: string }[];
}

export interface FoundTasks {
  /** By the ids as given; ids QRS does not know (and non-GUIDs) are absent. */
  readonly byId: Map<string, QrsTask>;
  /** `byTag[i]`: the tasks carrying `tags[i]` (case-insensitive, as QRS compares strings). */
  readonly byTag: QrsTask[][];
  /** `byCustomProperty[i]`: the tasks where one custom property has both that name and value. */
  readonly byCustomProperty: QrsTask[][];
}

export interface QrsCallOptions {
  /** The request the calls serve: once aborted, none of its remaining calls are sent. */
  readonly signal?: AbortSignal;
}

/**
 * The one QRS client of the process. Methods throw QrsError subclasses when QRS could not
 * be asked or answered unexpectedly, and RequestCancelledError for calls not sent because
 * their request was cancelled; "does not exist" is an ordinary return value.
 */
export interface QrsClient extends QrsExecutionReads, QrsScriptLogs {
  /**
   * Every task of the query, in batched calls (`or` filters within maxUrlLength), at most 8
   * of them in flight; the first failure cancels the calls not yet sent. A tag or custom
   * property that cannot fit in a URL is a BadRequestError, before any call.
   */
  findTasks(query: TaskQuery, options?: QrsCallOptions): Promise<FoundTasks>;
  /** POST /qrs/task/{id}/start/synchronous. Never retried. */
  startTask(id: string, options?: QrsCallOptions): Promise<StartResult>;
  /** GET /qrs/about: proves QRS is reachable and accepts our certificate. */
  about(): Promise<QrsAbout>;
  close(): Promise<void>;
}
