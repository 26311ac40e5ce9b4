/** Knobs tests turn to make the simulator misbehave; read on every request. */
export interface SimulatorHooks {
  /** Added before every answer. */
  latencyMs: number;
  /** Task ids whose start answers 500 without starting (case-insensitive). */
  failingStartIds: Set<string>;
  /** When set, every request answers this status before any other check. */
  failAllWith: number | null;
  /** When true, every request's socket is destroyed without an answer. */
  dropConnections: boolean;
}

export function createHooks(): SimulatorHooks {
  return { latencyMs: 0, failingStartIds: new Set(), failAllWith: null, dropConnections: false };
}

export function isFailingStart(hooks: SimulatorHooks, taskId: string): boolean {
  const id = taskId.toLowerCase();
  for (const failing of hooks.failingStartIds) if (failing.toLowerCase() === id) return true;
  return false;
}
