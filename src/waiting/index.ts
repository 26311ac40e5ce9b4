export { createBackendPollers, type BackendPollers, type FollowResult } from './backend-pollers.js';
export { createCloudReloadPoller } from './cloud-poller.js';
export { followExecutions, type FollowDeps } from './follow.js';
export { createExecutionPoller, type ExecutionPoller, type ReadExecutionStates, type WaitOutcome, type WaitResult } from './poller.js';
export { readSnapshotsFrom } from './read-snapshots.js';
export { withExecutionStates, type WaitedExecutionEntry, type WaitedStartTaskResponse } from './report.js';
export { followKey, followTargetOf, type FollowTarget } from './targets.js';
export { parseWaitRequest, type WaitRequest } from './wait-request.js';
