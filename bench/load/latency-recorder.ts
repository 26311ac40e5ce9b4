/**
 * Exact latency percentiles. autocannon's own histogram stores whole milliseconds, which
 * turns every key-value request into "0 ms" or "1 ms"; its per-response event carries the
 * time as a float, so we keep every sample and sort once.
 */
export interface LatencySummary {
  p50: number;
  p90: number;
  p99: number;
  max: number;
}

export interface LatencyRecorder {
  record(ms: number): void;
  summary(): LatencySummary;
}

/** Nearest-rank percentile of sorted samples (0 when there are none). */
function percentile(sorted: Float64Array, fraction: number): number {
  if (sorted.length === 0) return 0;
  const rank = Math.ceil(fraction * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1] ?? 0;
}

export function createLatencyRecorder(): LatencyRecorder {
  let samples = new Float64Array(64 * 1024);
  let count = 0;
  return {
    record(ms) {
      if (count === samples.length) {
        const grown = new Float64Array(samples.length * 2);
        grown.set(samples);
        samples = grown;
      }
      samples[count++] = ms;
    },
    summary() {
      const sorted = samples.slice(0, count).sort();
      return {
        p50: percentile(sorted, 0.5),
        p90: percentile(sorted, 0.9),
        p99: percentile(sorted, 0.99),
        max: count === 0 ? 0 : (sorted[count - 1] ?? 0),
      };
    },
  };
}
