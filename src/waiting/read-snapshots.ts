import { snapshotOf, type ExecutionSnapshot } from '../executions/index.js';
import type { QrsExecutionReads } from '../qrs/index.js';
import type { ReadExecutionStates } from './poller.js';

const NO_TASK_NAMES: ReadonlyMap<string, string> = new Map();

/**
 * The poller's reader: the executions' latest results, one QRS call per round (per chunk).
 * A result exists from the start and outlives the session, so sessions are not read; task
 * names come from the start answer, not from QRS.
 */
export function readSnapshotsFrom(qrs: Pick<QrsExecutionReads, 'getExecutionResults'>): ReadExecutionStates {
  return async (executionIds) => {
    const results = await qrs.getExecutionResults(executionIds);
    const snapshots = new Map<string, ExecutionSnapshot>();
    for (const [id, result] of results) {
      const snapshot = snapshotOf(id, undefined, result, NO_TASK_NAMES);
      if (snapshot !== null) snapshots.set(id, snapshot);
    }
    return snapshots;
  };
}
