/**
 * Reads where reloads stand, from QRS (sessions and results in batches, then task names) or
 * from Qlik Cloud (the reload, then its app's name). Shared by the status endpoint and
 * anything that follows executions (wait, callbacks).
 */
import type { QlikCloudClient } from '../qlikcloud/types.js';
import type { QrsClient } from '../qrs/types.js';
import { readCloudScriptLogTail } from './cloud-script-log-tail.js';
import { cloudSnapshotOf } from './cloud-status.js';
import { ExecutionNotFoundError } from './errors.js';
import { backendsToAsk } from './execution-id.js';
import { readScriptLogTail, type ScriptLogTailOptions } from './script-log-tail.js';
import { snapshotOf } from './status.js';
import type { BackendName, ExecutionSnapshot, ExecutionStatusAnswer, QrsExecutionSnapshot, ScriptLogTailFields } from './types.js';

export interface ExecutionBackends {
  /** null when Butler.configQRS.enable is false. */
  readonly qrs: QrsClient | null;
  /** null when Butler.qlikCloud is off. */
  readonly cloud: QlikCloudClient | null;
}

export interface ExecutionReader {
  /**
   * One execution (or Qlik Cloud reload) with its script log tail when it failed. Throws
   * BadRequestError for an id no backend could hold, ExecutionNotFoundError when no backend
   * asked knows it, and the backends' errors when they cannot be asked.
   */
  readExecution(executionId: string): Promise<ExecutionStatusAnswer & ScriptLogTailFields>;
  /** The script log tail fields for a snapshot (`{}` unless it ended in a failure). */
  scriptLogTail(snapshot: ExecutionSnapshot): Promise<ScriptLogTailFields>;
}

export function createExecutionReader(backends: ExecutionBackends, scriptLog: ScriptLogTailOptions): ExecutionReader {
  const { qrs, cloud } = backends;

  async function readQrsExecution(qrs: QrsClient, executionId: string): Promise<QrsExecutionSnapshot | null> {
    const id = executionId.toLowerCase();
    const [sessions, results] = await Promise.all([qrs.getExecutionSessions([id]), qrs.getExecutionResults([id])]);
    const taskId = results.get(id)?.taskId ?? sessions.get(id)?.taskId;
    if (taskId === undefined) return null;
    const task = (await qrs.findTasks({ taskIds: [taskId], tags: [], customProperties: [] })).byId.get(taskId);
    const taskNames = new Map(task ? [[task.id.toLowerCase(), task.name]] : []);
    return snapshotOf(id, sessions.get(id), results.get(id), taskNames);
  }

  async function readCloudReload(client: QlikCloudClient, reloadId: string): Promise<ExecutionSnapshot | null> {
    const reload = await client.getReload(reloadId);
    if (reload === undefined) return null;
    const app = (await client.findApps({ appIds: [reload.appId], tags: [] })).byId.get(reload.appId);
    return cloudSnapshotOf(reload, app?.name ?? null);
  }

  function readOne(backend: BackendName, id: string): Promise<ExecutionSnapshot | null> {
    // backendsToAsk names only the backends that are on.
    if (backend === 'qlik-sense') return qrs === null ? Promise.resolve(null) : readQrsExecution(qrs, id);
    return cloud === null ? Promise.resolve(null) : readCloudReload(cloud, id);
  }

  async function scriptLogTail(snapshot: ExecutionSnapshot): Promise<ScriptLogTailFields> {
    // A snapshot only exists for a backend that is on.
    if (snapshot.backend === 'qlik-sense') return qrs === null ? {} : readScriptLogTail(qrs, snapshot, scriptLog);
    return cloud === null ? {} : readCloudScriptLogTail(cloud, snapshot, scriptLog.lines);
  }

  return {
    scriptLogTail,
    async readExecution(executionId) {
      const askedOf = backendsToAsk(executionId, { qrs: qrs !== null, cloud: cloud !== null });
      for (const backend of askedOf) {
        const snapshot = await readOne(backend, executionId);
        if (snapshot !== null) return { ...snapshot.answer, ...(await scriptLogTail(snapshot)) };
      }
      throw new ExecutionNotFoundError(executionId, askedOf);
    },
  };
}
