/**
 * Reads executions from QRS in batches: sessions and results in parallel (one `or`-filtered
 * call each per chunk), then the task names in one call. Shared by the status endpoint and
 * anything that follows executions (wait, callbacks).
 */
import type { QrsClient } from '../qrs/types.js';
import { readScriptLogTail, type ScriptLogTailOptions } from './script-log-tail.js';
import { snapshotOf } from './status.js';
import type { ExecutionSnapshot, ExecutionStatusAnswer, ScriptLogTailFields } from './types.js';

export interface ExecutionReader {
  /** Snapshots by lower-cased execution id; unknown ids are absent. No script logs. */
  readExecutions(executionIds: readonly string[]): Promise<Map<string, ExecutionSnapshot>>;
  /** One execution with its script log tail when it failed; null when QRS does not know it. */
  readExecution(executionId: string): Promise<(ExecutionStatusAnswer & ScriptLogTailFields) | null>;
  /** The script log tail fields for a snapshot (`{}` unless it ended FinishedFail, Error or Aborted). */
  scriptLogTail(snapshot: ExecutionSnapshot): Promise<ScriptLogTailFields>;
}

export function createExecutionReader(qrs: QrsClient, scriptLog: ScriptLogTailOptions): ExecutionReader {
  async function readExecutions(executionIds: readonly string[]): Promise<Map<string, ExecutionSnapshot>> {
    const ids = [...new Set(executionIds.map((id) => id.toLowerCase()))];
    if (ids.length === 0) return new Map();
    const [sessions, results] = await Promise.all([qrs.getExecutionSessions(ids), qrs.getExecutionResults(ids)]);
    const taskIds = new Set<string>();
    for (const id of ids) {
      const taskId = results.get(id)?.taskId ?? sessions.get(id)?.taskId;
      if (taskId !== undefined) taskIds.add(taskId);
    }
    const tasks = taskIds.size === 0 ? new Map() : (await qrs.findTasks({ taskIds: [...taskIds], tags: [], customProperties: [] })).byId;
    const taskNames = new Map([...tasks.values()].map((task) => [task.id.toLowerCase(), task.name]));
    const snapshots = new Map<string, ExecutionSnapshot>();
    for (const id of ids) {
      const snapshot = snapshotOf(id, sessions.get(id), results.get(id), taskNames);
      if (snapshot !== null) snapshots.set(id, snapshot);
    }
    return snapshots;
  }

  const scriptLogTail = (snapshot: ExecutionSnapshot): Promise<ScriptLogTailFields> =>
    readScriptLogTail(qrs, snapshot, scriptLog);

  return {
    readExecutions,
    scriptLogTail,
    async readExecution(executionId) {
      const snapshot = (await readExecutions([executionId])).get(executionId.toLowerCase());
      if (snapshot === undefined) return null;
      return { ...snapshot.answer, ...(await scriptLogTail(snapshot)) };
    },
  };
}
