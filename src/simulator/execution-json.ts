import { TaskType, type SimTask } from './fixture.js';
import { currentRun, ExecutionStatus, phasesOf, runStateAt, sessionStatusAt, type Execution, type Run } from './executions.js';
import { EMPTY_GUID, NEVER, stableGuid } from './qrs-ids.js';

const NODE_NAME = 'sim-node';
const REPOSITORY_USER = 'INTERNAL\\sa_repository';
const STATUS_NAMES = Object.fromEntries(Object.entries(ExecutionStatus).map(([name, value]) => [value, name]));

function iso(epochMs: number): string {
  return new Date(epochMs).toISOString();
}

function audit(createdAt: number, now: number): Record<string, string> {
  return { createdDate: iso(createdAt), modifiedDate: iso(now), modifiedByUserName: REPOSITORY_USER };
}

function condensedTask(task: SimTask): Record<string, unknown> {
  return { id: task.id, name: task.name, taskType: task.taskType, enabled: task.enabled, privileges: null };
}

/** QRS's ExecutionSession names its task in the reference of the task's type, the others null [DOC]. */
function typedTaskReferences(task: SimTask): Record<string, unknown> {
  const of = (taskType: number): Record<string, unknown> | null => (task.taskType === taskType ? condensedTask(task) : null);
  return {
    reloadTask: of(TaskType.Reload),
    externalProgramTask: of(TaskType.ExternalProgram),
    userSyncTask: of(TaskType.UserSync),
  };
}

/** The state changes QRS logs in `details`, up to `now`. */
function details(run: Run, now: number): Record<string, unknown>[] {
  return phasesOf(run)
    .filter(({ at }) => at <= now)
    .map(({ status, at }) => ({
      detailsType: status === ExecutionStatus.FinishedFail ? 3 : 2,
      message: `Changing task state to ${STATUS_NAMES[status] ?? String(status)}`,
      detailCreatedDate: iso(at),
    }));
}

/**
 * ExecutionResult of one run as `/qrs/executionresult/full` answers it [CODE: Fireblade99's
 * fields]. It exists from the run's start (status follows the run) [INF]; stopTime, duration and
 * the script log's file reference are set when the run ends (Retry or final). Each retry is a
 * result of its own with the same executionID [DOC: Task: Start].
 */
export function executionResultJson(run: Run, now: number): Record<string, unknown> {
  const { execution } = run;
  const state = runStateAt(run, now);
  const ended = state.stoppedAt !== null;
  return {
    id: run.resultId,
    ...audit(run.listedFrom, now),
    executionID: execution.sessionId,
    appID: execution.task.appId ?? stableGuid(`app:${execution.task.id}`),
    taskID: execution.task.id,
    executingNodeName: NODE_NAME,
    status: state.status,
    // A run that has not begun yet (hooks.runDelayMs) has QRS's "not yet" start time.
    startTime: now < run.startedAt ? NEVER : iso(run.startedAt),
    stopTime: state.stoppedAt === null ? NEVER : iso(state.stoppedAt),
    duration: state.stoppedAt === null ? 0 : state.stoppedAt - run.startedAt,
    fileReferenceID: ended ? run.fileReferenceId : EMPTY_GUID,
    scriptLogAvailable: ended,
    scriptLogSize: ended ? execution.plan.scriptLogLines * 48 : 0,
    details: details(run, now),
    privileges: null,
    schemaPath: 'ExecutionResult',
  };
}

/** ExecutionSession while the reload runs (QRS deletes it when it ends) [DOC]; field set [INF]. */
export function executionSessionJson(execution: Execution, now: number): Record<string, unknown> {
  return {
    id: execution.sessionId,
    ...audit(execution.createdAt, now),
    executingNodeID: stableGuid(`node:${NODE_NAME}`),
    status: sessionStatusAt(execution, now),
    task: condensedTask(execution.task),
    ...typedTaskReferences(execution.task),
    app: { id: execution.task.appId ?? stableGuid(`app:${execution.task.id}`), name: execution.task.appName ?? execution.task.name },
    executionResult: { id: currentRun(execution, now).resultId, privileges: null },
    privileges: null,
    schemaPath: 'ExecutionSession',
  };
}

/** `/qrs/executionresult` and `/qrs/executionsession` without `/full`: id only [INF]. */
export function condensedJson(id: string): Record<string, unknown> {
  return { id, privileges: null };
}

/** A never-run task's lastExecutionResult: status NeverStarted and the "never" dates. */
export function neverRunResultJson(task: SimTask): Record<string, unknown> {
  return {
    id: stableGuid(`execution-result:${task.id}`),
    executingNodeName: '',
    status: ExecutionStatus.NeverStarted,
    startTime: NEVER,
    stopTime: NEVER,
    duration: 0,
    fileReferenceID: EMPTY_GUID,
    scriptLogAvailable: false,
    details: [],
    scriptLogSize: 0,
    privileges: null,
  };
}
