import { ExecutionStatus, type ExecutionLog } from './executions.js';
import type { SimTask } from './fixture.js';
import { isFailingReload, isFailingStart, isRetryingReload, type SimulatorHooks } from './hooks.js';
import { emptyResponse, jsonResponse, NO_ANSWER, NOT_FOUND, textResponse, type SimResponse } from './http-types.js';
import { EMPTY_GUID } from './qrs-ids.js';
import { GUID_SEGMENT, route, type Route } from './router.js';
import type { TaskStore } from './task-store.js';

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const SIMULATED_FAILURE = textResponse(500, 'Internal Server Error: simulated start failure');

export interface StartDeps {
  store: TaskStore;
  executions: ExecutionLog;
  hooks: SimulatorHooks;
  now: () => number;
  recordStart(taskId: string): void;
}

/** POST endpoints that start tasks, by id, by name, or many at once. */
export function startRoutes({ store, executions, hooks, now, recordStart }: StartDeps): Route[] {
  /** Starts `task` unless disabled; the session id, or the empty GUID when it did not start. */
  function start(task: SimTask): string {
    if (!task.enabled) return EMPTY_GUID;
    const execution = executions.start(
      task,
      {
        durationMs: Math.max(0, hooks.executionMs),
        finalStatus: isFailingReload(hooks, task.id) ? ExecutionStatus.FinishedFail : ExecutionStatus.FinishedSuccess,
        scriptLogLines: hooks.scriptLogLines,
        retries: isRetryingReload(hooks, task.id) ? 1 : 0,
        retryDelayMs: Math.max(0, hooks.retryDelayMs),
        distributionMs: Math.max(0, hooks.distributionMs),
      },
      now(),
      // Until then it waits, as a queued reload does.
      Math.max(0, hooks.runDelayMs),
    );
    recordStart(task.id);
    return execution.sessionId;
  }

  function startOne(task: SimTask | undefined, synchronous: boolean): SimResponse {
    // Unknown id: QRS's status is undocumented; 404 is what Butler's log message expects [INF].
    if (task === undefined) return NOT_FOUND;
    if (isFailingStart(hooks, task.id)) return SIMULATED_FAILURE;
    const sessionId = start(task);
    // 201 for synchronous start is only weakly sourced [INF]; async start is 204 [CODE].
    return synchronous ? jsonResponse(201, { value: sessionId }) : emptyResponse(204);
  }

  function byName(name: string | undefined, synchronous: boolean): SimResponse {
    if (name === undefined || name === '') return textResponse(400, 'Missing parameter value(s)');
    return startOne(store.byName(name), synchronous);
  }

  /** The start is lost on its way: nothing starts and no answer comes (hooks.unansweredStarts). */
  function lostOnTheWay(): boolean {
    if (hooks.unansweredStarts <= 0) return false;
    hooks.unansweredStarts -= 1;
    return true;
  }

  const routes = [
    route('POST', `/qrs/task/${GUID_SEGMENT}/start`, (_req, [id]) => startOne(store.byId(id ?? ''), false)),
    route('POST', `/qrs/task/${GUID_SEGMENT}/start/synchronous`, (_req, [id]) => startOne(store.byId(id ?? ''), true)),
    route('POST', '/qrs/task/start', (req) => byName(req.query.get('name'), false)),
    route('POST', '/qrs/task/start/synchronous', (req) => byName(req.query.get('name'), true)),
    route('POST', '/qrs/task/start/many', (req) => {
      let ids: unknown;
      try {
        ids = JSON.parse(req.body.toString('utf8'));
      } catch {
        return textResponse(400, 'Invalid JSON body');
      }
      if (!Array.isArray(ids) || !ids.every((id): id is string => typeof id === 'string' && GUID.test(id))) {
        return textResponse(400, 'Body must be a JSON array of task id GUIDs');
      }
      // All or nothing when a start is rigged to fail, so a test sees no partial effects.
      if (ids.some((id) => isFailingStart(hooks, id))) return SIMULATED_FAILURE;
      // Unknown ids are skipped silently: QRS documents no return value for start/many [INF].
      for (const id of ids) {
        const task = store.byId(id);
        if (task !== undefined) start(task);
      }
      return emptyResponse(204);
    }),
  ];
  return routes.map((start) => ({ ...start, handler: (req, params) => (lostOnTheWay() ? NO_ANSWER : start.handler(req, params)) }));
}
