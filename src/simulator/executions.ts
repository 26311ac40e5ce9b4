import { randomUUID } from 'node:crypto';
import type { SimTask } from './fixture.js';

/** QRS's execution status enum (`/qrs/about/api/enums`), as Butler's lookup table has it. */
export const ExecutionStatus = {
  NeverStarted: 0,
  Triggered: 1,
  Started: 2,
  Queued: 3,
  AbortInitiated: 4,
  Aborting: 5,
  Aborted: 6,
  FinishedSuccess: 7,
  FinishedFail: 8,
  Skipped: 9,
  Retry: 10,
  Error: 11,
  Reset: 12,
} as const;

/** How one started task will run, fixed when it starts (changing a hook later does not alter it). */
export interface ExecutionPlan {
  /** Time from the start to the final state. */
  durationMs: number;
  /** Final state: FinishedSuccess, FinishedFail, Error or Aborted. */
  finalStatus: number;
  /** Lines of the script log, the last ones saying how it ended. */
  scriptLogLines: number;
}

/** One start of one task: its execution session (while it runs) and its execution result. */
export interface Execution {
  readonly sessionId: string;
  readonly resultId: string;
  /** Set when the reload ends: what QRS calls the script log's file reference. */
  readonly fileReferenceId: string;
  readonly task: SimTask;
  /** Epoch ms. */
  readonly startedAt: number;
  readonly plan: ExecutionPlan;
}

/** Where an execution stands at a moment. */
export interface ExecutionState {
  status: number;
  /** Epoch ms of the end, when final. */
  stoppedAt: number | null;
}

/** How long a started reload shows Triggered before Started (at most a quarter of its run). */
const TRIGGERED_MS = 100;

export const FINAL_STATUSES: ReadonlySet<number> = new Set([
  ExecutionStatus.Aborted,
  ExecutionStatus.FinishedSuccess,
  ExecutionStatus.FinishedFail,
  ExecutionStatus.Skipped,
  ExecutionStatus.Error,
  ExecutionStatus.Reset,
]);

/** How long `plan`'s reload shows Triggered before Started. */
export function triggeredMs(plan: ExecutionPlan): number {
  return Math.min(TRIGGERED_MS, plan.durationMs / 4);
}

/** The state of `execution` at `now`, computed from its start time and plan: no timers. */
export function stateAt(execution: Execution, now: number): ExecutionState {
  const elapsed = now - execution.startedAt;
  const { durationMs, finalStatus } = execution.plan;
  if (elapsed >= durationMs) return { status: finalStatus, stoppedAt: execution.startedAt + durationMs };
  return { status: elapsed < triggeredMs(execution.plan) ? ExecutionStatus.Triggered : ExecutionStatus.Started, stoppedAt: null };
}

/** Every execution the simulator started, by session, result and file reference id. */
export interface ExecutionLog {
  start(task: SimTask, plan: ExecutionPlan, now: number): Execution;
  all(): readonly Execution[];
  bySessionId(id: string): Execution | undefined;
  byResultId(id: string): Execution | undefined;
  byFileReferenceId(id: string): Execution | undefined;
  /** The most recent start of the task, for operational.lastExecutionResult. */
  lastOf(taskId: string): Execution | undefined;
}

export function createExecutionLog(): ExecutionLog {
  // Indexed, not scanned: a benchmark starts tens of thousands of reloads, and QRS answers
  // a task lookup (which embeds each task's last result) without slowing down as they pile up.
  const executions: Execution[] = [];
  const bySession = new Map<string, Execution>();
  const byResult = new Map<string, Execution>();
  const byFileReference = new Map<string, Execution>();
  const lastByTask = new Map<string, Execution>();
  return {
    start(task, plan, now) {
      const execution: Execution = {
        sessionId: randomUUID(),
        resultId: randomUUID(),
        fileReferenceId: randomUUID(),
        task,
        startedAt: now,
        plan: { ...plan },
      };
      executions.push(execution);
      bySession.set(execution.sessionId, execution);
      byResult.set(execution.resultId, execution);
      byFileReference.set(execution.fileReferenceId, execution);
      lastByTask.set(task.id, execution);
      return execution;
    },
    all: () => executions,
    bySessionId: (id) => bySession.get(id.toLowerCase()),
    byResultId: (id) => byResult.get(id.toLowerCase()),
    byFileReferenceId: (id) => byFileReference.get(id.toLowerCase()),
    lastOf: (taskId) => lastByTask.get(taskId.toLowerCase()),
  };
}
