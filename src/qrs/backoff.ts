const BASE_DELAY_MS = 75;
const MAX_DELAY_MS = 1_000;

/**
 * Delay before retry number `retry` (1-based): exponential with "equal jitter" (half fixed,
 * half random) so parallel lookups that failed together do not retry in lockstep.
 */
export function retryDelayMs(retry: number, random: () => number = Math.random): number {
  const ceiling = Math.min(MAX_DELAY_MS, BASE_DELAY_MS * 2 ** (retry - 1));
  return ceiling / 2 + random() * (ceiling / 2);
}
