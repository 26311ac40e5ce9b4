/**
 * One poller for every request waiting on executions. Each round is one read for all
 * executions anyone waits on (the QRS client sends it as `or` filters, chunked). Rounds start
 * at minIntervalMs after a new wait and back off to maxIntervalMs, so a finished reload is
 * seen within one interval plus one QRS round trip, and an hour-long reload costs one call
 * every few seconds for all callers together.
 */
import type { Logger } from 'winston';
import type { ExecutionSnapshot } from '../executions/index.js';

/** Reads the current state of executions by id; ids it cannot find are absent. Throws when QRS cannot be asked. */
export type ReadExecutionStates = (executionIds: readonly string[]) => Promise<Map<string, ExecutionSnapshot>>;

export type WaitOutcome = 'finished' | 'timeout' | 'cancelled' | 'stopped';

export interface WaitResult {
  readonly outcome: WaitOutcome;
  /** By lower-cased execution id; absent for an execution never read successfully. */
  readonly states: ReadonlyMap<string, ExecutionSnapshot>;
  /** Set while the latest rounds failed: states may be stale. */
  readonly pollError: { readonly since: string; readonly message: string } | undefined;
}

export interface ExecutionPoller {
  /** Resolves when every id is final, the timeout passes, the signal aborts or the poller stops. Never rejects. */
  wait(executionIds: readonly string[], options: { timeoutMs: number; signal?: AbortSignal }): Promise<WaitResult>;
  /** Ends every wait (outcome "stopped") and polls no more. */
  stop(): void;
}

export interface PollerOptions {
  read: ReadExecutionStates;
  logger: Logger;
  minIntervalMs?: number;
  maxIntervalMs?: number;
}

const BACKOFF_FACTOR = 1.5;

interface Waiter {
  readonly ids: readonly string[];
  finish(outcome: WaitOutcome): void;
}

export function createExecutionPoller(options: PollerOptions): ExecutionPoller {
  const { read, logger } = options;
  const minIntervalMs = options.minIntervalMs ?? 500;
  const maxIntervalMs = options.maxIntervalMs ?? 5000;
  const states = new Map<string, ExecutionSnapshot>();
  const waiters = new Set<Waiter>();
  let intervalMs = minIntervalMs;
  let timer: NodeJS.Timeout | undefined;
  let dueAt = Infinity;
  let polling = false;
  /** A wait began during a round: the next round comes after the shortest interval. */
  let restartBackoff = false;
  let stopped = false;
  let pollError: WaitResult['pollError'];

  const isFinal = (id: string) => states.get(id)?.final === true;

  function watchedIds(): string[] {
    const ids = new Set<string>();
    for (const waiter of waiters) for (const id of waiter.ids) if (!isFinal(id)) ids.add(id);
    return [...ids];
  }

  function schedule(delayMs: number): void {
    if (stopped || polling || waiters.size === 0) return;
    const at = Date.now() + delayMs;
    if (timer !== undefined && dueAt <= at) return;
    clearTimeout(timer);
    dueAt = at;
    timer = setTimeout(() => void round(), delayMs);
    timer.unref();
  }

  function finishDone(): void {
    for (const waiter of [...waiters]) if (waiter.ids.every(isFinal)) waiter.finish('finished');
  }

  /** Forgets states nobody waits for any more, so the map stays as small as the waiting set. */
  function forgetUnwatched(): void {
    const wanted = new Set<string>();
    for (const waiter of waiters) for (const id of waiter.ids) wanted.add(id);
    for (const id of [...states.keys()]) if (!wanted.has(id)) states.delete(id);
  }

  async function round(): Promise<void> {
    timer = undefined;
    dueAt = Infinity;
    const ids = watchedIds();
    if (ids.length === 0 || stopped) return;
    polling = true;
    try {
      const found = await read(ids);
      for (const [id, state] of found) states.set(id.toLowerCase(), state);
      if (pollError) logger.info(`Execution status polling works again (failing since ${pollError.since})`);
      pollError = undefined;
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      // One warning per outage, not one per round.
      if (!pollError) logger.warn(`Execution status polling failed; retrying with backoff, waits report the last seen state: ${message}`);
      pollError = { since: pollError?.since ?? new Date().toISOString(), message };
    } finally {
      polling = false;
    }
    finishDone();
    intervalMs = restartBackoff ? minIntervalMs : Math.min(intervalMs * BACKOFF_FACTOR, maxIntervalMs);
    restartBackoff = false;
    schedule(intervalMs);
  }

  return {
    wait(executionIds, { timeoutMs, signal }) {
      const ids = [...new Set(executionIds.map((id) => id.toLowerCase()))];
      return new Promise<WaitResult>((resolve) => {
        let deadline: NodeJS.Timeout | undefined;
        const onAbort = () => waiter.finish('cancelled');
        const waiter: Waiter = {
          ids,
          finish(outcome) {
            if (!waiters.delete(waiter)) return;
            clearTimeout(deadline);
            signal?.removeEventListener('abort', onAbort);
            const snapshot = new Map(ids.flatMap((id) => (states.has(id) ? [[id, states.get(id) as ExecutionSnapshot]] : [])));
            forgetUnwatched();
            resolve({ outcome, states: snapshot, pollError });
          },
        };
        waiters.add(waiter);
        if (stopped) return waiter.finish('stopped');
        if (signal?.aborted) return waiter.finish('cancelled');
        if (ids.every(isFinal)) return waiter.finish('finished');
        signal?.addEventListener('abort', onAbort, { once: true });
        deadline = setTimeout(() => waiter.finish('timeout'), timeoutMs);
        // A new execution is polled soon, however far the interval has backed off.
        intervalMs = minIntervalMs;
        if (polling) restartBackoff = true;
        else schedule(minIntervalMs);
      });
    },
    stop() {
      stopped = true;
      clearTimeout(timer);
      for (const waiter of [...waiters]) waiter.finish('stopped');
    },
  };
}
