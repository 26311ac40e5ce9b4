/**
 * Client-managed Qlik Sense behind the start path: reload tasks found through QRS, started
 * synchronously, a lost answer checked against the task's executions since the request.
 */
import { RequestCancelledError } from '../../errors.js';
import { QrsError, QrsResponseError } from '../../qrs/errors.js';
import type { QrsClient, QrsTask } from '../../qrs/types.js';
import type { Candidate } from '../attribution.js';
import type { StartBackend, StartTarget } from '../backend.js';
import { startAndConfirm, type SendOutcome, type StartConfirmDeps } from '../lost-start.js';

function targetOf(task: QrsTask): StartTarget {
  const { id, name, enabled, tags, customProperties } = task;
  return { backend: 'qlik-sense', id, name, enabled, tags, customProperties };
}

/** QRS answered and refused: it handled the request and started nothing. */
function refused(error: QrsError): boolean {
  return error instanceof QrsResponseError && error.status !== undefined && error.status >= 400 && error.status < 500;
}

/** QRS answered with a 5xx: it finished handling the request, so "no execution" is final. */
function failedOnServer(error: QrsError): boolean {
  return error instanceof QrsResponseError && error.status !== undefined && error.status >= 500;
}

/**
 * Every execution of the task that may have begun since `since`: its running sessions (a
 * queued or triggered one has no start time yet, so the results since then miss it) and its
 * results since then, each with its first start (a retry of an older run starts anew).
 */
async function executionsSince(qrs: QrsClient, taskId: string, since: Date): Promise<Candidate[]> {
  const [running, recent] = await Promise.all([
    qrs.getRunningSessionsOfTask(taskId),
    qrs.getExecutionResultsOfTaskSince(taskId, since),
  ]);
  const sessionIds = [...new Set([...running.map((session) => session.id), ...recent.map((result) => result.executionId)])];
  if (sessionIds.length === 0) return [];
  const firstStarts = await qrs.getFirstStartTimes(sessionIds);
  return sessionIds.map((sessionId) => {
    const began = firstStarts.get(sessionId) ?? null;
    return { sessionId, began: began === null ? null : Date.parse(began) };
  });
}

/**
 * POST /qrs/task/{id}/start/synchronous once. Once `signal` (the request's) is aborted the
 * start is not sent, which is a plain failure: nothing started.
 */
async function sendStart(qrs: QrsClient, taskId: string, signal: AbortSignal | undefined): Promise<SendOutcome> {
  try {
    return await qrs.startTask(taskId, signal === undefined ? {} : { signal });
  } catch (error) {
    if (error instanceof RequestCancelledError) return { started: false, reason: error.message };
    if (!(error instanceof QrsError)) throw error;
    if (refused(error)) return { started: false, reason: error.message };
    return { started: false, lost: true, message: error.message, final: failedOnServer(error) };
  }
}

/** QRS tasks take no reload parameters: the start answer says when a request's were ignored. */
export function createQrsBackend(qrs: QrsClient, deps: StartConfirmDeps): StartBackend {
  return {
    name: 'qlik-sense',
    async find(query, signal) {
      const found = await qrs.findTasks(
        { taskIds: query.ids, tags: query.tags, customProperties: query.customProperties },
        signal === undefined ? {} : { signal },
      );
      return {
        byId: new Map([...found.byId].map(([id, task]) => [id, targetOf(task)])),
        byTag: found.byTag.map((tasks) => tasks.map(targetOf)),
        byCustomProperty: found.byCustomProperty.map((tasks) => tasks.map(targetOf)),
      };
    },
    isUnavailable: (error): error is QrsError => error instanceof QrsError,
    start(target, _parameters, signal) {
      return startAndConfirm(deps, {
        key: target.id,
        backend: 'QRS',
        words: { run: 'execution', target: 'task' },
        send: () => sendStart(qrs, target.id, signal),
        runsSince: (since) => executionsSince(qrs, target.id, since),
      });
    },
  };
}
