import type { CloudClock } from '../../src/qlikcloud/clock.js';

interface Sleeper {
  readonly until: number;
  readonly wake: () => void;
}

/**
 * A clock for the Qlik Cloud client whose time moves only when a test says so: `advance(ms)`
 * wakes the sleepers whose time has come. With `autoAdvance`, every sleep moves time forward
 * by its own length at once, so waits of minutes take no real time.
 */
export interface VirtualClock extends CloudClock {
  /** Every sleep asked for, in ms, in order. */
  readonly sleeps: readonly number[];
  advance(ms: number): void;
}

export interface VirtualClockOptions {
  autoAdvance: boolean;
  /** Called at the start of every sleep, e.g. to end a simulated fault the sleep waits out. */
  onSleep?: (ms: number) => void;
}

export function createVirtualClock({ autoAdvance, onSleep }: VirtualClockOptions): VirtualClock {
  let now = 0;
  const sleeps: number[] = [];
  let sleepers: Sleeper[] = [];

  function advance(ms: number): void {
    now += ms;
    const due = sleepers.filter((sleeper) => sleeper.until <= now);
    sleepers = sleepers.filter((sleeper) => sleeper.until > now);
    for (const sleeper of due) sleeper.wake();
  }

  return {
    sleeps,
    advance,
    now: () => now,
    sleep(ms, signal) {
      signal.throwIfAborted();
      sleeps.push(ms);
      onSleep?.(ms);
      if (autoAdvance) {
        advance(ms);
        return Promise.resolve();
      }
      return new Promise((resolve, reject) => {
        const onAbort = (): void => {
          sleepers = sleepers.filter((sleeper) => sleeper !== entry);
          reject(signal.reason);
        };
        const entry: Sleeper = {
          until: now + ms,
          wake: () => {
            signal.removeEventListener('abort', onAbort);
            resolve();
          },
        };
        sleepers.push(entry);
        signal.addEventListener('abort', onAbort, { once: true });
      });
    },
  };
}
