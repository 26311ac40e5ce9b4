import type { FilterSchema } from './filter/index.js';
import { ExecutionStatus } from './executions.js';

const STATUS_NAMES: Readonly<Record<string, number>> = Object.fromEntries(
  Object.entries(ExecutionStatus).map(([name, value]) => [name.toLowerCase(), value]),
);

/** What clients filter execution sessions on, by lower-cased path [INF beyond `id`]. */
export const SESSION_FILTER_SCHEMA: FilterSchema = {
  id: { type: 'guid' },
  status: { type: 'number', names: STATUS_NAMES },
  'task.id': { type: 'guid' },
  'reloadtask.id': { type: 'guid' },
  'externalprogramtask.id': { type: 'guid' },
  'usersynctask.id': { type: 'guid' },
  'app.id': { type: 'guid' },
  'executionresult.id': { type: 'guid' },
};

/**
 * What clients filter execution results on: `ExecutionId eq <session>` [DOC], `executionID eq A or
 * executionID eq B` [CODE: Fireblade99]; times are ISO strings compared as text [INF].
 */
export const RESULT_FILTER_SCHEMA: FilterSchema = {
  id: { type: 'guid' },
  executionid: { type: 'guid' },
  taskid: { type: 'guid' },
  appid: { type: 'guid' },
  status: { type: 'number', names: STATUS_NAMES },
  starttime: { type: 'string' },
  stoptime: { type: 'string' },
  filereferenceid: { type: 'guid' },
};
