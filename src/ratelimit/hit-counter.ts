/** How many hits a key has in its current window, and how long that window still runs. */
export interface Hits {
  readonly count: number;
  readonly msLeft: number;
}

/**
 * Fixed-window hit counting for rate limits: the first hit of a key opens a window of
 * `windowMs`; hits are counted until it ends, then the count starts again.
 */
export interface HitCounter {
  hit(key: string, windowMs: number): Promise<Hits>;
  close(): Promise<void>;
}
