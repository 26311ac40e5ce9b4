export { parseStartItems, type StartItem, type StartItemLimits } from './items.js';
export { BODY_ONLY_TASK_ID, DISABLED_REASON, type StartRequest } from './plan.js';
export { createStartTaskRunner, type StartBackends, type StartTaskDeps, type StartTaskRunner } from './run.js';
export { CLOCK_ALLOWANCE_MS, type StartOutcome, type UnconfirmedStart } from './lost-start.js';
export type { BackendName, StartBackend, StartTarget } from './backend.js';
export { createQrsBackend } from './backends/qrs.js';
export { createQlikCloudBackend } from './backends/qlik-cloud.js';
export { createStartLedger, type StartLedger } from './start-ledger.js';
export type {
  ExecutionEntry,
  FailedTaskEntry,
  StartedTaskEntry,
  StartTaskResponse,
  TaskIdEntry,
  UnconfirmedTaskEntry,
} from './types.js';
