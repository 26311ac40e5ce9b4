import { randomUUID } from 'node:crypto';
import type { SimTask } from './fixture.js';

/** QRS's execution status enum, TaskExecutionStatus (`/qrs/about/api/enums`; QRS API reference). */
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
  DistributionQueue: 13,
  DistributionRunning: 14,
} as const;

/** How one started task will run, fixed when it starts (changing a hook later does not alter it). */
export interface ExecutionPlan {
  /** Time from the start of each run to its end (0: it ends the moment it starts). */
  durationMs: number;
  /** How the last run ends: FinishedSuccess, FinishedFail, Error or Aborted. */
  finalStatus: number;
  /** Lines of each run's script log, the last ones saying how it ended. */
  scriptLogLines: number;
  /** Runs that end Retry before the last one; each retry is a new execution result of the same session. */
  retries: number;
  /** Time from a run ending Retry to the next run's start. */
  retryDelayMs: number;
  /** After the last run: this long in DistributionQueue, then as long in DistributionRunning; 0 skips both. */
  distributionMs: number;
}

/** One start of one task: its execution session (while it runs) and one execution result per run. */
export interface Execution {
  readonly sessionId: string;
  readonly task: SimTask;
  /** Epoch ms of the start request: the session and the first run's result exist from then on. */
  readonly createdAt: number;
  /** Epoch ms the first run begins (later than createdAt while the reload waits, hooks.runDelayMs). */
  readonly startedAt: number;
  readonly plan: ExecutionPlan;
  /** The first run, then one per retry, in order. */
  readonly runs: readonly Run[];
}

/** One run of an execution: the first or a retry, each with its own execution result. */
export interface Run {
  readonly resultId: string;
  /** What QRS calls the script log's file reference; the result shows it once the run ended. */
  readonly fileReferenceId: string;
  readonly execution: Execution;
  /** Epoch ms the run begins. */
  readonly startedAt: number;
  /** Epoch ms its result exists from: the start request for the first run, its own start for a retry. */
  readonly listedFrom: number;
  /** The last run ends in the plan's final status (after any distribution), the others in Retry. */
  readonly last: boolean;
}

/** Where a run stands at a moment. */
export interface ExecutionState {
  status: number;
  /** Epoch ms of the run's end (Retry or final), once it ended. */
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

/** A status and the moment it begins. */
export interface Phase {
  readonly status: number;
  readonly at: number;
}

/** How long `plan`'s reload shows Triggered before Started. */
function triggeredMs(plan: ExecutionPlan): number {
  return Math.min(TRIGGERED_MS, plan.durationMs / 4);
}

/**
 * The statuses `run` goes through, each with the moment it begins; the last one ends the run.
 * Triggered, Started, then Retry, or [DistributionQueue, DistributionRunning,] the final status.
 */
export function phasesOf(run: Run): Phase[] {
  const { plan } = run.execution;
  const end = run.startedAt + plan.durationMs;
  const phases: Phase[] = [
    { status: ExecutionStatus.Triggered, at: run.startedAt },
    { status: ExecutionStatus.Started, at: run.startedAt + triggeredMs(plan) },
  ];
  if (!run.last) return [...phases, { status: ExecutionStatus.Retry, at: end }];
  const distribution = plan.distributionMs;
  if (distribution > 0) {
    phases.push(
      { status: ExecutionStatus.DistributionQueue, at: end },
      { status: ExecutionStatus.DistributionRunning, at: end + distribution },
    );
  }
  return [...phases, { status: plan.finalStatus, at: end + 2 * distribution }];
}

/** The state of `run` at `now`, computed from its start and plan: no timers. */
export function runStateAt(run: Run, now: number): ExecutionState {
  const phases = phasesOf(run);
  const reached = phases.filter((phase) => phase.at <= now);
  const current = reached.at(-1) ?? (phases[0] as Phase);
  return { status: current.status, stoppedAt: reached.length === phases.length ? current.at : null };
}

/** Whether `run`'s result exists at `now` (a retry's result appears when the retry starts). */
export function hasBegun(run: Run, now: number): boolean {
  return run.listedFrom <= now;
}

/** The run `execution` is on at `now`: the latest one begun. */
export function currentRun(execution: Execution, now: number): Run {
  const begun = execution.runs.filter((run) => hasBegun(run, now));
  return begun.at(-1) ?? (execution.runs[0] as Run);
}

/** The session's status at `now`: its current run's (Retry while a retry is pending). */
export function sessionStatusAt(execution: Execution, now: number): number {
  return runStateAt(currentRun(execution, now), now).status;
}

/** Every execution the simulator started, by session id; runs by result and file reference id. */
export interface ExecutionLog {
  /** A start at `now` whose first run begins `delayMs` later. */
  start(task: SimTask, plan: ExecutionPlan, now: number, delayMs?: number): Execution;
  all(): readonly Execution[];
  bySessionId(id: string): Execution | undefined;
  /** Also runs not begun yet: callers check hasBegun. */
  byResultId(id: string): Run | undefined;
  byFileReferenceId(id: string): Run | undefined;
  /** The most recent start of the task, for operational.lastExecutionResult. */
  lastOf(taskId: string): Execution | undefined;
}

function plannedRuns(execution: Execution, runs: Run[]): void {
  const { plan, startedAt } = execution;
  for (let index = 0; index <= plan.retries; index += 1) {
    const runStart = startedAt + index * (plan.durationMs + plan.retryDelayMs);
    runs.push({
      resultId: randomUUID(),
      fileReferenceId: randomUUID(),
      execution,
      startedAt: runStart,
      listedFrom: index === 0 ? execution.createdAt : runStart,
      last: index === plan.retries,
    });
  }
}

export function createExecutionLog(): ExecutionLog {
  // Indexed, not scanned: a benchmark starts tens of thousands of reloads, and QRS answers
  // a task lookup (which embeds each task's last result) without slowing down as they pile up.
  const executions: Execution[] = [];
  const bySession = new Map<string, Execution>();
  const byResult = new Map<string, Run>();
  const byFileReference = new Map<string, Run>();
  const lastByTask = new Map<string, Execution>();
  return {
    start(task, plan, now, delayMs = 0) {
      const runs: Run[] = [];
      const execution: Execution = { sessionId: randomUUID(), task, createdAt: now, startedAt: now + delayMs, plan: { ...plan }, runs };
      plannedRuns(execution, runs);
      executions.push(execution);
      bySession.set(execution.sessionId, execution);
      for (const run of runs) {
        byResult.set(run.resultId, run);
        byFileReference.set(run.fileReferenceId, run);
      }
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
