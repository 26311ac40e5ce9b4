import { TaskType, type SimTask } from './fixture.js';
import { ExecutionStatus, FINAL_STATUSES, stateAt, triggeredMs, type Execution } from './executions.js';
import { EMPTY_GUID, NEVER, stableGuid } from './qrs-ids.js';

const NODE_NAME = 'sim-node';
const REPOSITORY_USER = 'INTERNAL\\sa_repository';
const STATUS_NAMES = Object.fromEntries(Object.entries(ExecutionStatus).map(([name, value]) => [value, name]));

function iso(epochMs: number): string {
  return new Date(epochMs).toISOString();
}

function audit(execution: Execution, now: number): Record<string, string> {
  return { createdDate: iso(execution.startedAt), modifiedDate: iso(now), modifiedByUserName: REPOSITORY_USER };
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
function details(execution: Execution, now: number): Record<string, unknown>[] {
  const state = stateAt(execution, now);
  const entries: { status: number; at: number }[] = [{ status: ExecutionStatus.Triggered, at: execution.startedAt }];
  if (state.status !== ExecutionStatus.Triggered) {
    entries.push({ status: ExecutionStatus.Started, at: execution.startedAt + triggeredMs(execution.plan) });
  }
  if (state.stoppedAt !== null) entries.push({ status: state.status, at: state.stoppedAt });
  return entries.map(({ status, at }) => ({
    detailsType: status === ExecutionStatus.FinishedFail ? 3 : 2,
    message: `Changing task state to ${STATUS_NAMES[status] ?? String(status)}`,
    detailCreatedDate: iso(at),
  }));
}

/**
 * ExecutionResult as `/qrs/executionresult/full` answers it [CODE: Fireblade99's fields]. It
 * exists from the start (status follows the session) [INF]; stopTime, duration and the script
 * log's file reference are set when the reload ends.
 */
export function executionResultJson(execution: Execution, now: number): Record<string, unknown> {
  const state = stateAt(execution, now);
  const finished = state.stoppedAt !== null && FINAL_STATUSES.has(state.status);
  const logSize = finished ? execution.plan.scriptLogLines * 48 : 0;
  return {
    id: execution.resultId,
    ...audit(execution, now),
    executionID: execution.sessionId,
    appID: execution.task.appId ?? stableGuid(`app:${execution.task.id}`),
    taskID: execution.task.id,
    executingNodeName: NODE_NAME,
    status: state.status,
    // A reload that has not begun yet (hooks.runDelayMs) has QRS's "not yet" start time.
    startTime: now < execution.startedAt ? NEVER : iso(execution.startedAt),
    stopTime: state.stoppedAt === null ? NEVER : iso(state.stoppedAt),
    duration: state.stoppedAt === null ? 0 : state.stoppedAt - execution.startedAt,
    fileReferenceID: finished ? execution.fileReferenceId : EMPTY_GUID,
    scriptLogAvailable: finished,
    scriptLogSize: logSize,
    details: details(execution, now),
    privileges: null,
    schemaPath: 'ExecutionResult',
  };
}

/** ExecutionSession while the reload runs (QRS deletes it when it ends) [DOC]; field set [INF]. */
export function executionSessionJson(execution: Execution, now: number): Record<string, unknown> {
  return {
    id: execution.sessionId,
    ...audit(execution, now),
    executingNodeID: stableGuid(`node:${NODE_NAME}`),
    status: stateAt(execution, now).status,
    task: condensedTask(execution.task),
    ...typedTaskReferences(execution.task),
    app: { id: execution.task.appId ?? stableGuid(`app:${execution.task.id}`), name: execution.task.appName ?? execution.task.name },
    executionResult: { id: execution.resultId, privileges: null },
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
