const WINDOW_MS = 60_000;

export interface ReadLimiter {
  /** Admits one read at `now` when fewer than `perMinute` were admitted in the last minute; else the seconds to wait. */
  admit(now: number, perMinute: number | null): { admitted: true } | { admitted: false; retryAfterSeconds: number };
}

/**
 * A sliding one-minute window over admitted reads, like Qlik's per-tier limits (which block
 * the whole tier until the window has room again [DOC]). Refused reads do not count.
 */
export function createReadLimiter(): ReadLimiter {
  const admitted: number[] = [];
  return {
    admit(now, perMinute) {
      while (admitted.length > 0 && (admitted[0] ?? 0) <= now - WINDOW_MS) admitted.shift();
      if (perMinute !== null && admitted.length >= perMinute) {
        const oldest = admitted[admitted.length - perMinute] ?? now;
        return { admitted: false, retryAfterSeconds: Math.max(1, Math.ceil((oldest + WINDOW_MS - now) / 1000)) };
      }
      admitted.push(now);
      return { admitted: true };
    },
  };
}
