/**
 * One poller per backend for every request waiting on its executions. Each round is one read
 * for all executions anyone waits on (the QRS client sends it as `or` filters, chunked; the
 * Qlik Cloud reader paces one call per reload under its budget). Rounds start at
 * minIntervalMs after a new wait and back off to maxIntervalMs, so a finished reload is seen
 * within one interval plus one round, and an hour-long reload costs one call every few
 * seconds for all callers together. A state learnt another way (a reload-finished event) is
 * handed in with observe() and ends the waits on it at once.
 */
import type { Logger } from 'winston';
import type { ExecutionSnapshot } from '../executions/index.js';

/**
 * Reads the current state of executions by id; ids it cannot find are absent. Throws when the
 * backend cannot be asked (a PartialReadError when it could be for some ids). `stillWanted`
 * tells a reader that reads one id at a time whether an id is still worth a call.
 */
export type ReadExecutionStates = (
  executionIds: readonly string[],
  stillWanted: (executionId: string) => boolean,
) => Promise<Map<string, ExecutionSnapshot>>;

/** A round that read some states and failed for others: the states count, the failure is reported. */
export class PartialReadError extends Error {
  constructor(
    readonly found: ReadonlyMap<string, ExecutionSnapshot>,
    failure: Error,
  ) {
    super(failure.message, { cause: failure });
    this.name = 'PartialReadError';
  }
}

export type WaitOutcome = 'finished' | 'timeout' | 'cancelled' | 'stopped';

export interface PollError {
  /** ISO time of the first failed round of this outage. */
  readonly since: string;
  readonly message: string;
}

export interface WaitResult {
  readonly outcome: WaitOutcome;
  /** By execution id (lower-cased unless the ids are case-sensitive); absent for one never read. */
  readonly states: ReadonlyMap<string, ExecutionSnapshot>;
  /** Set while the latest rounds failed: states may be stale. */
  readonly pollError: PollError | undefined;
}

export interface ExecutionPoller {
  /** Resolves when every id is final, the timeout passes, the signal aborts or the poller stops. Never rejects. */
  wait(executionIds: readonly string[], options: { timeoutMs: number; signal?: AbortSignal }): Promise<WaitResult>;
  /** A state learnt without a read: kept (and ending waits) when someone waits on `executionId`. */
  observe(executionId: string, state: ExecutionSnapshot): void;
  /** Ends every wait (outcome "stopped") and polls no more. */
  stop(): void;
}

export interface PollerOptions {
  read: ReadExecutionStates;
  logger: Logger;
  minIntervalMs?: number;
  maxIntervalMs?: number;
  /** Qlik Cloud's ids are case-sensitive; QRS's GUIDs are compared lower-cased (the default). */
  caseSensitiveIds?: boolean;
  /** What is polled, for log lines: "Execution status" unless told. */
  subject?: string;
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
  const subject = options.subject ?? 'Execution status';
  const normalize = options.caseSensitiveIds ? (id: string) => id : (id: string) => id.toLowerCase();
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

  const isWatched = (id: string) => [...waiters].some((waiter) => waiter.ids.includes(id));

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
    const keep = (found: ReadonlyMap<string, ExecutionSnapshot>) => {
      // A state observed during the round is newer than what the round read.
      for (const [id, state] of found) if (!isFinal(normalize(id))) states.set(normalize(id), state);
    };
    try {
      keep(await read(ids, (id) => !isFinal(id) && isWatched(id)));
      if (pollError) logger.info(`${subject} polling works again (failing since ${pollError.since})`);
      pollError = undefined;
    } catch (error) {
      if (error instanceof PartialReadError) keep(error.found);
      const message = error instanceof Error ? error.message : String(error);
      // One warning per outage, not one per round.
      if (!pollError) logger.warn(`${subject} polling failed; retrying with backoff, waits report the last seen state: ${message}`);
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
      const ids = [...new Set(executionIds.map(normalize))];
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
    observe(executionId, state) {
      const id = normalize(executionId);
      if (stopped || !isWatched(id) || isFinal(id)) return;
      states.set(id, state);
      finishDone();
    },
    stop() {
      stopped = true;
      clearTimeout(timer);
      for (const waiter of [...waiters]) waiter.finish('stopped');
    },
  };
}
