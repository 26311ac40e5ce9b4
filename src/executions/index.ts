export { createExecutionReader, type ExecutionReader } from './reader.js';
export { readScriptLogTail, REFERENCE_RETRY_DELAYS_MS, wantsScriptLogTail, type ScriptLogTailOptions } from './script-log-tail.js';
export { LOG_WORTHY_STATUSES, snapshotOf } from './status.js';
export type { ExecutionSnapshot, ExecutionStatusAnswer, ScriptLogTailFields } from './types.js';
