/**
 * Waits on executions of both backends at once: each backend's executions on that backend's
 * one shared poller, the wait ending when both parts have. The QRS poller reads all its
 * executions in one call a round; the Qlik Cloud one paces its calls under its budget.
 */
import { backendWords, type BackendName, type ExecutionSnapshot } from '../executions/index.js';
import type { ExecutionPoller, PollError, WaitOutcome, WaitResult } from './poller.js';
import { followKey, type FollowTarget } from './targets.js';

export interface FollowResult {
  readonly outcome: WaitOutcome;
  /** By followKey(target); absent for an execution never read successfully. */
  readonly states: ReadonlyMap<string, ExecutionSnapshot>;
  /** The backends whose latest rounds failed: their states may be stale. */
  readonly pollErrors: ReadonlyMap<BackendName, PollError>;
}

export interface BackendPollers {
  /** Resolves when every target is final, the timeout passes, the signal aborts or the pollers stop. Never rejects. */
  wait(targets: readonly FollowTarget[], options: { timeoutMs: number; signal?: AbortSignal }): Promise<FollowResult>;
  /** A state learnt without polling (a reload-finished event). */
  observe(target: FollowTarget, state: ExecutionSnapshot): void;
  stop(): void;
}

/** The part that ended worst decides: stopped, then cancelled, then timeout, then finished. */
const SEVERITY: readonly WaitOutcome[] = ['finished', 'timeout', 'cancelled', 'stopped'];

/** `pollers['qlik-cloud']` is absent while Qlik Cloud is off. */
export function createBackendPollers(pollers: Readonly<Partial<Record<BackendName, ExecutionPoller>>>): BackendPollers {
  const all = Object.values(pollers);
  return {
    async wait(targets, options) {
      const byBackend = new Map<BackendName, string[]>();
      for (const target of targets) byBackend.set(target.backend, [...(byBackend.get(target.backend) ?? []), target.id]);
      const parts = await Promise.all(
        [...byBackend].map(async ([backend, ids]): Promise<[BackendName, WaitResult]> => {
          const poller = pollers[backend];
          const result = poller ? await poller.wait(ids, options) : unfollowed(backend);
          return [backend, result];
        }),
      );
      const states = new Map<string, ExecutionSnapshot>();
      const pollErrors = new Map<BackendName, PollError>();
      let worst = 0;
      for (const [backend, result] of parts) {
        for (const [id, state] of result.states) states.set(followKey({ backend, id }), state);
        if (result.pollError) pollErrors.set(backend, result.pollError);
        worst = Math.max(worst, SEVERITY.indexOf(result.outcome));
      }
      return { outcome: SEVERITY[worst] ?? 'finished', states, pollErrors };
    },
    observe(target, state) {
      pollers[target.backend]?.observe(target.id, state);
    },
    stop() {
      for (const poller of all) poller.stop();
    },
  };
}

/** A backend without a poller (off on this instance, yet in a replayed answer): nothing to learn. */
function unfollowed(backend: BackendName): WaitResult {
  const message = `${backendWords([backend])} is not enabled on this instance`;
  return { outcome: 'finished', states: new Map(), pollError: { since: new Date().toISOString(), message } };
}
