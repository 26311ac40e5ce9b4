/** Which of QRS's two script-log APIs the simulated QRS serves (the other answers 404). */
export type ScriptLogApi = 'both' | 'scriptlogfile' | 'scriptlog';

export function isScriptLogApi(value: string): value is ScriptLogApi {
  return value === 'both' || value === 'scriptlogfile' || value === 'scriptlog';
}

/** Knobs tests turn to make the simulator misbehave; read on every request. */
export interface SimulatorHooks {
  /** Every answer is sent this long after its request arrived (or at once, if working it out took longer). */
  latencyMs: number;
  /** Task ids whose start answers 500 without starting (case-insensitive). */
  failingStartIds: Set<string>;
  /** When set, every request answers this status before any other check. */
  failAllWith: number | null;
  /** When true, every request's socket is destroyed without an answer. */
  dropConnections: boolean;
  /** Run time of each reload started from now on; 0 finishes it the moment it starts. */
  executionMs: number;
  /** Task ids whose reloads end FinishedFail (case-insensitive); the others end FinishedSuccess. */
  failingReloadIds: Set<string>;
  /** Lines in the script log of each reload started from now on. */
  scriptLogLines: number;
  /** `scriptlogfile?executionResultId=` (newer QRS), `scriptlog?fileReferenceId=` (older), or both. */
  scriptLogApi: ScriptLogApi;
  /** For this long after a reload ends, a script-log request answers the empty GUID as reference. */
  emptyReferenceMs: number;
  /** Fault: the answer to a start that started a task is held back this long (the start is immediate). */
  startAnswerDelayMs: number;
  /** Fault: the connection of a start that started a task is destroyed right after, without an answer. */
  dropAfterStart: boolean;
  /** Fault: this many of the next start requests start nothing and are never answered (the client gives up). */
  unansweredStarts: number;
  /** Each reload started from now on begins this long after its start: Triggered, start time 1753-01-01 until then. */
  runDelayMs: number;
  /** QRS's clock runs this far ahead of the machine's (negative: behind); applies to every time it reads. */
  clockOffsetMs: number;
  /** When set, execution session and result reads answer this status (QRS cannot tell what ran). */
  failExecutionReadsWith: number | null;
  /**
   * Task ids whose reloads started from now on end Retry once, then run again as a new
   * execution result of the same session, ending as failingReloadIds says (case-insensitive).
   */
  retryingReloadIds: Set<string>;
  /** Time from a run ending Retry to its retry's start, for reloads started from now on. */
  retryDelayMs: number;
  /**
   * Reloads started from now on spend this long in DistributionQueue, then as long in
   * DistributionRunning, before their final state; 0 skips both.
   */
  distributionMs: number;
  /** When set, each script-log reference is its answer instead of a random GUID (QRS only documents "UUID"). */
  downloadReference: (() => string) | null;
}

export function createHooks(): SimulatorHooks {
  return {
    latencyMs: 0,
    failingStartIds: new Set(),
    failAllWith: null,
    dropConnections: false,
    executionMs: 0,
    failingReloadIds: new Set(),
    scriptLogLines: 40,
    scriptLogApi: 'both',
    emptyReferenceMs: 0,
    startAnswerDelayMs: 0,
    dropAfterStart: false,
    unansweredStarts: 0,
    runDelayMs: 0,
    clockOffsetMs: 0,
    failExecutionReadsWith: null,
    retryingReloadIds: new Set(),
    retryDelayMs: 0,
    distributionMs: 0,
    downloadReference: null,
  };
}

function includesId(ids: ReadonlySet<string>, taskId: string): boolean {
  const id = taskId.toLowerCase();
  for (const candidate of ids) if (candidate.toLowerCase() === id) return true;
  return false;
}

export function isFailingStart(hooks: SimulatorHooks, taskId: string): boolean {
  return includesId(hooks.failingStartIds, taskId);
}

export function isFailingReload(hooks: SimulatorHooks, taskId: string): boolean {
  return includesId(hooks.failingReloadIds, taskId);
}

export function isRetryingReload(hooks: SimulatorHooks, taskId: string): boolean {
  return includesId(hooks.retryingReloadIds, taskId);
}
