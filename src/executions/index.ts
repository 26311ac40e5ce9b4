export { cloudSnapshotOf, FINAL_CLOUD_STATUSES } from './cloud-status.js';
export { ExecutionNotFoundError } from './errors.js';
export { backendWords } from './execution-id.js';
export { createExecutionReader, type ExecutionBackends, type ExecutionReader } from './reader.js';
export { readScriptLogTail, REFERENCE_RETRY_DELAYS_MS, wantsScriptLogTail, type ScriptLogTailOptions } from './script-log-tail.js';
export { LOG_WORTHY_STATUSES, snapshotOf } from './status.js';
export type {
  BackendName,
  CloudReloadSnapshot,
  ExecutionSnapshot,
  ExecutionStatusAnswer,
  QrsExecutionSnapshot,
  ScriptLogTailFields,
} from './types.js';
