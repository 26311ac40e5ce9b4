/**
 * Spaces calls evenly under a per-minute budget: one call every 60 s / budget, whatever the
 * number of callers, so any window holds at most its share of the budget plus one. A 429's
 * Retry-After pauses every call still waiting for its turn.
 */
export interface PollPacer {
  /** Resolves true when it is this call's turn; false once the pacer is closed (send nothing). */
  turn(): Promise<boolean>;
  /** No turn is given before `ms` from now. */
  pauseFor(ms: number): void;
  /** Every waiting call gets false; later ones at once. */
  close(): void;
}

export interface PacerOptions {
  readonly perMinute: number;
  /** Clock in epoch ms; injectable for tests. */
  readonly now?: () => number;
}

export function createPollPacer(options: PacerOptions): PollPacer {
  const now = options.now ?? Date.now;
  const spacingMs = 60_000 / options.perMinute;
  const queue: ((go: boolean) => void)[] = [];
  let nextAt = -Infinity;
  let pausedUntil = -Infinity;
  let timer: NodeJS.Timeout | undefined;
  let closed = false;

  function pump(): void {
    timer = undefined;
    while (queue.length > 0) {
      const at = Math.max(nextAt, pausedUntil);
      const wait = at - now();
      if (wait > 0) {
        timer = setTimeout(pump, wait);
        timer.unref();
        return;
      }
      nextAt = now() + spacingMs;
      queue.shift()?.(true);
    }
  }

  return {
    turn() {
      if (closed) return Promise.resolve(false);
      return new Promise<boolean>((resolve) => {
        queue.push(resolve);
        if (timer === undefined) pump();
      });
    },
    pauseFor(ms) {
      pausedUntil = Math.max(pausedUntil, now() + ms);
      clearTimeout(timer);
      timer = undefined;
      pump();
    },
    close() {
      closed = true;
      clearTimeout(timer);
      for (const resolve of queue.splice(0)) resolve(false);
    },
  };
}
