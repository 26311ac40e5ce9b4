import type { QrsExecutionReads } from './execution-types.js';

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

/**
 * The one QRS client of the process. Every method is one QRS round trip (id lookups are
 * chunked only for very long lists). Methods throw QrsError subclasses when QRS could not
 * be asked or answered unexpectedly; "does not exist" is an ordinary return value.
 */
export interface QrsClient extends QrsExecutionReads {
  /** Tasks for the given GUIDs; ids QRS does not know are absent from the map. */
  getTasksByIds(ids: readonly string[]): Promise<Map<string, QrsTask>>;
  /** Tasks carrying the tag (case-insensitive, as QRS compares strings). */
  getTasksByTag(tag: string): Promise<QrsTask[]>;
  /** Tasks where one custom property has both this name and this value. */
  getTasksByCustomProperty(name: string, value: string): Promise<QrsTask[]>;
  /** POST /qrs/task/{id}/start/synchronous. Never retried. */
  startTask(id: string): Promise<StartResult>;
  /** POST /qrs/task/start/many. Never retried. */
  startTasks(ids: readonly string[]): Promise<void>;
  /** GET /qrs/about: proves QRS is reachable and accepts our certificate. */
  about(): Promise<QrsAbout>;
  close(): Promise<void>;
}
