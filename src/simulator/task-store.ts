import type { SimTask } from './fixture.js';

/** The simulator's repository of tasks, as the fixture defines them. */
export interface TaskStore {
  all(): readonly SimTask[];
  byId(id: string): SimTask | undefined;
  /** First task with that name, case-insensitively (QRS names are not unique) [INF]. */
  byName(name: string): SimTask | undefined;
}

export function createTaskStore(tasks: readonly SimTask[]): TaskStore {
  const ordered = tasks.map((task) => ({ ...task, id: task.id.toLowerCase() }));
  const byId = new Map(ordered.map((task) => [task.id, task]));
  return {
    all: () => ordered,
    byId: (id) => byId.get(id.toLowerCase()),
    byName: (name) => ordered.find((task) => task.name.toLowerCase() === name.toLowerCase()),
  };
}
