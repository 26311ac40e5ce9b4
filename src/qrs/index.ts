export { createQrsClient } from './client.js';
export { createQrsReadiness } from './readiness.js';
export { QrsError, QrsResponseError, QrsTimeoutError, QrsUnavailableError } from './errors.js';
export { isGuid } from './filter.js';
export type { QrsAbout, QrsClient, QrsTask, StartResult } from './types.js';
export {
  EXECUTION_STATUS_NAMES,
  executionStatusName,
  FINAL_EXECUTION_STATUSES,
  type ExecutionStatusName,
  type QrsExecutionReads,
  type QrsExecutionResult,
  type QrsExecutionSession,
} from './execution-types.js';
export type { QrsScriptLogs, ScriptLogReference, ScriptLogSource } from './script-log.js';
