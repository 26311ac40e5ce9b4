import type { SimTask } from './fixture.js';

/** What the last start of a task left behind; read back as operational.lastExecutionResult. */
export interface ExecutionRecord {
  sessionId: string;
  startTime: Date;
}

/** The simulator's repository: the fixture's tasks plus what starting them changed. */
export interface TaskStore {
  all(): readonly SimTask[];
  byId(id: string): SimTask | undefined;
  /** First task with that name, case-insensitively (QRS names are not unique) [INF]. */
  byName(name: string): SimTask | undefined;
  lastExecution(taskId: string): ExecutionRecord | undefined;
  recordExecution(taskId: string, record: ExecutionRecord): void;
}

export function createTaskStore(tasks: readonly SimTask[]): TaskStore {
  const ordered = tasks.map((task) => ({ ...task, id: task.id.toLowerCase() }));
  const byId = new Map(ordered.map((task) => [task.id, task]));
  const executions = new Map<string, ExecutionRecord>();
  return {
    all: () => ordered,
    byId: (id) => byId.get(id.toLowerCase()),
    byName: (name) => ordered.find((task) => task.name.toLowerCase() === name.toLowerCase()),
    lastExecution: (taskId) => executions.get(taskId.toLowerCase()),
    recordExecution: (taskId, record) => executions.set(taskId.toLowerCase(), record),
  };
}
