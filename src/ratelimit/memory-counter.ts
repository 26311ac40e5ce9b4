import type { HitCounter, Hits } from './hit-counter.js';

export interface MemoryCounterOptions {
  /** Clock in ms; tests pass a fake one to end windows without waiting. */
  now?: () => number;
  /** Most keys remembered; beyond it, ended windows and then the oldest are forgotten. */
  maxKeys?: number;
}

interface Window {
  count: number;
  endsAt: number;
}

/** A HitCounter in this process's memory: limits hold per instance. */
export function createMemoryHitCounter(options: MemoryCounterOptions = {}): HitCounter {
  const now = options.now ?? Date.now;
  const maxKeys = options.maxKeys ?? 10000;
  const windows = new Map<string, Window>();

  function makeRoom(at: number): void {
    for (const [key, window] of windows) if (window.endsAt <= at) windows.delete(key);
    // Still full: forget the windows opened first (a Map iterates in insertion order).
    for (const key of windows.keys()) {
      if (windows.size < maxKeys) break;
      windows.delete(key);
    }
  }

  return {
    async hit(key, windowMs): Promise<Hits> {
      const at = now();
      let window = windows.get(key);
      if (window === undefined || window.endsAt <= at) {
        windows.delete(key);
        if (windows.size >= maxKeys) makeRoom(at);
        window = { count: 0, endsAt: at + windowMs };
        windows.set(key, window);
      }
      window.count += 1;
      return { count: window.count, msLeft: window.endsAt - at };
    },
    async close() {
      windows.clear();
    },
  };
}
