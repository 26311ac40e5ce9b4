import type { BackendName } from '../starttask/backend.js';

export type { BackendName };

/** Where one reload stands, as `GET /v4/reloadtask/execution/{executionId}` answers it. */
export interface ExecutionStatusAnswer {
  /** The execution session id the start answered (Qlik Cloud: the reload id). */
  readonly executionId: string;
  /** The QRS task id (Qlik Cloud: the app id). */
  readonly taskId: string;
  /** null when the backend no longer knows the task or app (deleted since). */
  readonly taskName: string | null;
  /** The backend's status name: QRS's Triggered, Started, ..., FinishedFail; Qlik Cloud's QUEUED, ..., FAILED. */
  readonly status: string;
  /** The status in words, for people. */
  readonly statusText: string;
  /** ISO times; null when the backend has none (yet). */
  readonly startTime: string | null;
  readonly stopTime: string | null;
  /** Run time once finished; null while it runs. */
  readonly durationMs: number | null;
  readonly backend: BackendName;
  /** Qlik Cloud only: the app reloaded and the reload's id. */
  readonly appId?: string;
  readonly reloadId?: string;
}

/** The last lines of a failed reload's script log, or why they are missing; at most one is set. */
export interface ScriptLogTailFields {
  /** Lines joined by `\n`, oldest first. */
  readonly scriptLogTail?: string;
  readonly scriptLogTailUnavailable?: string;
}

/** What the reader saw of one QRS execution, plus what it needs to fetch its script log. */
export interface QrsExecutionSnapshot {
  readonly backend: 'qlik-sense';
  readonly answer: ExecutionStatusAnswer;
  /** Whether the status will never change again. */
  readonly final: boolean;
  /** The QRS execution result, once QRS has one: where the script log is found. */
  readonly result: { readonly id: string; readonly fileReferenceId: string | null } | null;
}

/** What the reader saw of one Qlik Cloud reload. */
export interface CloudReloadSnapshot {
  readonly backend: 'qlik-cloud';
  readonly answer: ExecutionStatusAnswer & { readonly appId: string; readonly reloadId: string };
  readonly final: boolean;
  /** The reload's short summary log (the fallback when the script log cannot be read); null when not known. */
  readonly log: string | null;
}

export type ExecutionSnapshot = QrsExecutionSnapshot | CloudReloadSnapshot;
