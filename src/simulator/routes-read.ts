import { compileFilter } from './filter/index.js';
import { TaskType, type SimTask } from './fixture.js';
import { jsonResponse, NOT_FOUND, type SimRequest } from './http-types.js';
import type { QrsJson } from './qrs-json.js';
import { GUID_SEGMENT, route, type Route } from './router.js';
import { TASK_FILTER_SCHEMA } from './task-filter.js';
import type { TaskStore } from './task-store.js';

const API_DESCRIPTION = [
  'GET     /qrs/about',
  'GET     /qrs/about/api/description',
  'GET     /qrs/task?filter={filter}',
  'GET     /qrs/task/full?filter={filter}',
  'GET     /qrs/reloadtask?filter={filter}',
  'GET     /qrs/reloadtask/full?filter={filter}',
  'GET     /qrs/reloadtask/{id}',
  'GET     /qrs/executionsession?filter={filter}',
  'GET     /qrs/executionsession/full?filter={filter}',
  'GET     /qrs/executionsession/{id}',
  'GET     /qrs/executionresult?filter={filter}',
  'GET     /qrs/executionresult/full?filter={filter}',
  'GET     /qrs/executionresult/{id}',
  'GET     /qrs/reloadtask/{id}/scriptlogfile?executionResultId={executionResultId}',
  'GET     /qrs/reloadtask/{id}/scriptlog?fileReferenceId={fileReferenceId}',
  'GET     /qrs/download/reloadtask/{reference}/{fileName}',
  'POST    /qrs/task/{id}/start',
  'POST    /qrs/task/{id}/start/synchronous',
  'POST    /qrs/task/start?name={name}',
  'POST    /qrs/task/start/synchronous?name={name}',
  'POST    /qrs/task/start/many',
];

/** The read-only QRS endpoints: about, task listings with filters, one reload task. */
export function readRoutes(store: TaskStore, json: QrsJson): Route[] {
  // Filters apply to the full entity whichever shape is answered, as in QRS.
  function matching(req: SimRequest, onlyReload: boolean): SimTask[] {
    const predicate = compileFilter(req.query.get('filter') ?? '', TASK_FILTER_SCHEMA);
    return store
      .all()
      .filter((task) => (!onlyReload || task.taskType === TaskType.Reload) && predicate(json.fullTask(task)));
  }

  return [
    route('GET', '/qrs/about', () => jsonResponse(200, json.about())),
    route('GET', '/qrs/about/api/description', () => jsonResponse(200, API_DESCRIPTION)),
    route('GET', '/qrs/task', (req) => jsonResponse(200, matching(req, false).map(json.condensedTask))),
    route('GET', '/qrs/task/full', (req) => jsonResponse(200, matching(req, false).map(json.fullTask))),
    route('GET', '/qrs/reloadtask', (req) => jsonResponse(200, matching(req, true).map(json.condensedTask))),
    route('GET', '/qrs/reloadtask/full', (req) => jsonResponse(200, matching(req, true).map(json.fullTask))),
    route('GET', `/qrs/reloadtask/${GUID_SEGMENT}`, (_req, [id]) => {
      const task = store.byId(id ?? '');
      return task === undefined || task.taskType !== TaskType.Reload ? NOT_FOUND : jsonResponse(200, json.fullTask(task));
    }),
  ];
}
