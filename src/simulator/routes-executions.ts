import { randomUUID } from 'node:crypto';
import { compileFilter, type FilterSchema } from './filter/index.js';
import { condensedJson, executionResultJson, executionSessionJson } from './execution-json.js';
import { RESULT_FILTER_SCHEMA, SESSION_FILTER_SCHEMA } from './execution-filter.js';
import { FINAL_STATUSES, hasBegun, runStateAt, sessionStatusAt, type Execution, type ExecutionLog, type Run } from './executions.js';
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
 * it ends [DOC]); `/qrs/executionresult[/full][/{id}]` lists every run of every start (each
 * retry has a result of its own); filters as elsewhere.
 */
export function executionRoutes({ executions, hooks, now }: ExecutionDeps): Route[] {
  /** Download references handed out (lower-cased: QRS paths ignore case), each good for one download [INF]. */
  const downloads = new Map<string, Run>();

  const running = (execution: Execution): boolean => !FINAL_STATUSES.has(sessionStatusAt(execution, now()));
  /** `run`, if its result exists yet (a retry's appears when the retry starts). */
  const begunRun = (run: Run | undefined): Run | undefined => (run !== undefined && hasBegun(run, now()) ? run : undefined);

  function readable(answer: () => SimResponse): SimResponse {
    const status = hooks.failExecutionReadsWith;
    return status === null ? answer() : textResponse(status, 'Simulated failure reading executions');
  }

  function list<T>(
    req: SimRequest,
    schema: FilterSchema,
    pool: (at: number) => T[],
    toJson: (entity: T, at: number) => Record<string, unknown>,
    full: boolean,
  ): SimResponse {
    return readable(() => {
      const predicate = compileFilter(req.query.get('filter') ?? '', schema);
      const at = now();
      const matching = pool(at)
        .map((entity) => toJson(entity, at))
        .filter(predicate);
      return jsonResponse(200, full ? matching : matching.map((entity) => condensedJson(String(entity['id']))));
    });
  }

  const sessions = (): Execution[] => executions.all().filter(running);
  const results = (at: number): Run[] => executions.all().flatMap((execution) => execution.runs.filter((run) => hasBegun(run, at)));

  /** The download reference of an ended run's log, or the empty GUID just after it ended. */
  function reference(taskId: string | undefined, run: Run | undefined): SimResponse {
    if (run === undefined || run.execution.task.id !== taskId) return NOT_FOUND;
    const { stoppedAt } = runStateAt(run, now());
    if (stoppedAt === null || now() - stoppedAt < hooks.emptyReferenceMs) return jsonResponse(200, { value: EMPTY_GUID });
    const ref = hooks.downloadReference?.() ?? randomUUID();
    downloads.set(ref.toLowerCase(), run);
    return jsonResponse(200, { value: ref });
  }

  /** The `{reference}` segment of a download path, decoded; null when it does not decode. */
  function decodedSegment(segment: string): string | null {
    try {
      return decodeURIComponent(segment);
    } catch {
      return null;
    }
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
        const run = begunRun(executions.byResultId(id ?? ''));
        return run === undefined ? NOT_FOUND : jsonResponse(200, executionResultJson(run, now()));
      }),
    ),
    // Newer QRS (May 2025 on): by execution result id [CODE: Butler].
    route('GET', `/qrs/reloadtask/${GUID_SEGMENT}/scriptlogfile`, (req, [taskId]) => {
      if (!serves('scriptlogfile')) return NOT_FOUND;
      return reference(taskId, begunRun(executions.byResultId(req.query.get('executionresultid') ?? '')));
    }),
    // Older QRS: by the result's fileReferenceID [CODE: Butler, qlik-repo-api].
    route('GET', `/qrs/reloadtask/${GUID_SEGMENT}/scriptlog`, (req, [taskId]) => {
      if (!serves('scriptlog')) return NOT_FOUND;
      return reference(taskId, begunRun(executions.byFileReferenceId(req.query.get('filereferenceid') ?? '')));
    }),
    // Any reference the simulator handed out, GUID or not (hooks.downloadReference), and any
    // file name: Butler asks for `scriptlog.txt` or `<task name>.log`.
    route('GET', '/qrs/download/reloadtask/([^/]+)/[^/]+', (_req, [segment]) => {
      const ref = decodedSegment(segment ?? '');
      const run = ref === null ? undefined : downloads.get(ref);
      if (ref === null || run === undefined) return NOT_FOUND;
      downloads.delete(ref);
      return textResponse(200, scriptLogText(run, now()));
    }),
  ];
}
