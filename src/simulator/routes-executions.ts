import { randomUUID } from 'node:crypto';
import { compileFilter, type FilterSchema } from './filter/index.js';
import { condensedJson, executionResultJson, executionSessionJson } from './execution-json.js';
import { RESULT_FILTER_SCHEMA, SESSION_FILTER_SCHEMA } from './execution-filter.js';
import { FINAL_STATUSES, stateAt, type Execution, type ExecutionLog } from './executions.js';
import type { SimulatorHooks } from './hooks.js';
import { jsonResponse, NOT_FOUND, textResponse, type SimRequest, type SimResponse } from './http-types.js';
import { EMPTY_GUID } from './qrs-ids.js';
import { GUID_SEGMENT, route, type Route } from './router.js';
import { scriptLogText } from './script-log.js';

export interface ExecutionDeps {
  executions: ExecutionLog;
  hooks: SimulatorHooks;
  now: () => number;
}

/**
 * Execution sessions and results, and the script logs of finished reloads:
 * `/qrs/executionsession[/full][/{id}]` lists running reloads only (QRS deletes a session when
 * it ends [DOC]); `/qrs/executionresult[/full][/{id}]` lists every start; filters as elsewhere.
 */
export function executionRoutes({ executions, hooks, now }: ExecutionDeps): Route[] {
  /** Download references handed out, each good for one download [INF]. */
  const downloads = new Map<string, Execution>();

  const running = (execution: Execution): boolean => !FINAL_STATUSES.has(stateAt(execution, now()).status);

  function readable(answer: () => SimResponse): SimResponse {
    const status = hooks.failExecutionReadsWith;
    return status === null ? answer() : textResponse(status, 'Simulated failure reading executions');
  }

  function list(
    req: SimRequest,
    schema: FilterSchema,
    pool: () => Execution[],
    toJson: (execution: Execution, at: number) => Record<string, unknown>,
    full: boolean,
  ): SimResponse {
    return readable(() => {
      const predicate = compileFilter(req.query.get('filter') ?? '', schema);
      const at = now();
      const matching = pool()
        .map((execution) => toJson(execution, at))
        .filter(predicate);
      return jsonResponse(200, full ? matching : matching.map((entity) => condensedJson(String(entity['id']))));
    });
  }

  const sessions = (): Execution[] => executions.all().filter(running);
  const results = (): Execution[] => [...executions.all()];

  /** The download reference of a finished reload's log, or the empty GUID just after it ended. */
  function reference(taskId: string | undefined, execution: Execution | undefined): SimResponse {
    if (execution === undefined || execution.task.id !== taskId) return NOT_FOUND;
    const { stoppedAt } = stateAt(execution, now());
    if (stoppedAt === null || now() - stoppedAt < hooks.emptyReferenceMs) return jsonResponse(200, { value: EMPTY_GUID });
    const ref = randomUUID();
    downloads.set(ref, execution);
    return jsonResponse(200, { value: ref });
  }

  const serves = (api: 'scriptlogfile' | 'scriptlog'): boolean => hooks.scriptLogApi === 'both' || hooks.scriptLogApi === api;

  return [
    route('GET', '/qrs/executionsession', (req) => list(req, SESSION_FILTER_SCHEMA, sessions, executionSessionJson, false)),
    route('GET', '/qrs/executionsession/full', (req) => list(req, SESSION_FILTER_SCHEMA, sessions, executionSessionJson, true)),
    route('GET', `/qrs/executionsession/${GUID_SEGMENT}`, (_req, [id]) =>
      readable(() => {
        const execution = executions.bySessionId(id ?? '');
        return execution === undefined || !running(execution) ? NOT_FOUND : jsonResponse(200, executionSessionJson(execution, now()));
      }),
    ),
    route('GET', '/qrs/executionresult', (req) => list(req, RESULT_FILTER_SCHEMA, results, executionResultJson, false)),
    route('GET', '/qrs/executionresult/full', (req) => list(req, RESULT_FILTER_SCHEMA, results, executionResultJson, true)),
    route('GET', `/qrs/executionresult/${GUID_SEGMENT}`, (_req, [id]) =>
      readable(() => {
        const execution = executions.byResultId(id ?? '');
        return execution === undefined ? NOT_FOUND : jsonResponse(200, executionResultJson(execution, now()));
      }),
    ),
    // Newer QRS (May 2025 on): by execution result id [CODE: Butler].
    route('GET', `/qrs/reloadtask/${GUID_SEGMENT}/scriptlogfile`, (req, [taskId]) => {
      if (!serves('scriptlogfile')) return NOT_FOUND;
      return reference(taskId, executions.byResultId(req.query.get('executionresultid') ?? ''));
    }),
    // Older QRS: by the result's fileReferenceID [CODE: Butler, qlik-repo-api].
    route('GET', `/qrs/reloadtask/${GUID_SEGMENT}/scriptlog`, (req, [taskId]) => {
      if (!serves('scriptlog')) return NOT_FOUND;
      return reference(taskId, executions.byFileReferenceId(req.query.get('filereferenceid') ?? ''));
    }),
    // Any file name is accepted: Butler asks for `scriptlog.txt` or `<task name>.log`.
    route('GET', `/qrs/download/reloadtask/${GUID_SEGMENT}/[^/]+`, (_req, [ref]) => {
      const execution = downloads.get(ref ?? '');
      if (execution === undefined) return NOT_FOUND;
      downloads.delete(ref ?? '');
      return textResponse(200, scriptLogText(execution, now()));
    }),
  ];
}
