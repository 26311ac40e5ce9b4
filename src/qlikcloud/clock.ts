import { setTimeout as delay } from 'node:timers/promises';

/** Time as the Qlik Cloud client sees it; tests pass a clock they move themselves. */
export interface CloudClock {
  /** Milliseconds on a clock that never goes back. */
  now(): number;
  /** Resolves after `ms`; rejects with the signal's reason once it is aborted. */
  sleep(ms: number, signal: AbortSignal): Promise<void>;
}

export const systemClock: CloudClock = {
  // performance.now(): a wall clock set back would stretch every wait.
  now: () => performance.now(),
  sleep: (ms, signal) => delay(ms, undefined, { signal }),
};
