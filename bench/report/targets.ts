/**
 * The targets of issue 7, checked against this run's numbers and reported, never asserted:
 * timings depend on the machine, so they belong in a report, not in a test.
 */
import { BASELINE_GET_ID } from '../scenarios/baseline.js';
import type { MemoryResult, ScenarioResult } from '../scenarios/types.js';

export interface TargetCheck {
  target: string;
  measured: string;
  /** null when this run did not measure it (skipped group, or a quick run). */
  met: boolean | null;
}

export const TARGET_RSS_GROWTH_MB = 20;
const TARGET_REQUESTS_FOR_RSS = 100_000;
const TARGET_CONNECTIONS = 10;
const TARGET_P50_MULTIPLE = 3;
const TARGET_P99_MULTIPLE = 5;
const TARGET_KV_GET_RATIO = 0.5;
const TARGET_SQLITE_WRITES_PER_SECOND = 2000;

const MB = 1024 * 1024;

function byId(results: readonly ScenarioResult[], id: string): ScenarioResult | undefined {
  return results.find((r) => r.id === id);
}

export function baselineRatio(results: readonly ScenarioResult[], result: ScenarioResult): number | undefined {
  if (result.baselineId === undefined) return undefined;
  const baseline = byId(results, result.baselineId);
  if (baseline === undefined || baseline.load.requestsPerSecond === 0) return undefined;
  return result.load.requestsPerSecond / baseline.load.requestsPerSecond;
}

function okPerSecond(result: ScenarioResult, status: string): number {
  const count = result.load.statusCounts[status] ?? 0;
  return result.load.durationSeconds > 0 ? count / result.load.durationSeconds : 0;
}

function notMeasured(target: string): TargetCheck {
  return { target, measured: 'not measured in this run', met: null };
}

function mixedStartChecks(results: readonly ScenarioResult[]): TargetCheck[] {
  const mixed = results.filter((r) => r.id.startsWith('start-mixed-qrs20ms') && r.load.connections === TARGET_CONNECTIONS);
  const p50Target = `Mixed start, QRS 20 ms, ${TARGET_CONNECTIONS} connections: p50 ≤ ${TARGET_P50_MULTIPLE} × QRS latency`;
  const p99Target = `Mixed start, QRS 20 ms, ${TARGET_CONNECTIONS} connections: p99 ≤ ${TARGET_P99_MULTIPLE} × QRS latency`;
  if (mixed.length === 0) return [notMeasured(p50Target), notMeasured(p99Target)];
  return mixed.flatMap((r) => {
    const qrs = r.qrsLatencyMs ?? 0;
    const config = ` (startConcurrency ${r.startConcurrency ?? '?'})`;
    const p50 = r.load.latencyMs.p50 / qrs;
    const p99 = r.load.latencyMs.p99 / qrs;
    return [
      { target: p50Target + config, measured: `${p50.toFixed(2)} × (${r.load.latencyMs.p50.toFixed(1)} ms)`, met: p50 <= TARGET_P50_MULTIPLE },
      { target: p99Target + config, measured: `${p99.toFixed(2)} × (${r.load.latencyMs.p99.toFixed(1)} ms)`, met: p99 <= TARGET_P99_MULTIPLE },
    ];
  });
}

function kvGetCheck(results: readonly ScenarioResult[], backend: string): TargetCheck {
  const target = `Key-value GET on ${backend}: ≥ ${TARGET_KV_GET_RATIO * 100}% of the bare-route baseline's requests/s`;
  const result = byId(results, `kv-get-${backend}`);
  const ratio = result && baselineRatio(results, result);
  if (result === undefined || ratio === undefined || byId(results, BASELINE_GET_ID) === undefined) return notMeasured(target);
  return {
    target,
    measured: `${(ratio * 100).toFixed(0)}% (${Math.round(result.load.requestsPerSecond)} req/s)`,
    met: ratio >= TARGET_KV_GET_RATIO,
  };
}

function sqliteWriteCheck(results: readonly ScenarioResult[]): TargetCheck {
  const target = `Key-value POST on sqlite: ≥ ${TARGET_SQLITE_WRITES_PER_SECOND} acknowledged writes/s`;
  const result = byId(results, 'kv-post-sqlite');
  if (result === undefined) return notMeasured(target);
  const writes = okPerSecond(result, '201');
  return { target, measured: `${Math.round(writes)} writes/s (201 answers)`, met: writes >= TARGET_SQLITE_WRITES_PER_SECOND };
}

/** Highest minus lowest RSS sample: how much RSS moves without any trend. */
export function rssSpreadMb(memory: MemoryResult): number {
  const rss = memory.samples.map((sample) => sample.rssBytes);
  return rss.length === 0 ? 0 : (Math.max(...rss) - Math.min(...rss)) / MB;
}

/** Last sample minus first: the growth the target is about. */
export function rssGrowthMb(memory: MemoryResult): number {
  const first = memory.samples[0];
  const last = memory.samples[memory.samples.length - 1];
  return first === undefined || last === undefined ? 0 : (last.rssBytes - first.rssBytes) / MB;
}

function memoryCheck(memory: MemoryResult | null): TargetCheck {
  const target = `RSS growth over ${TARGET_REQUESTS_FOR_RSS.toLocaleString('en-US')} requests: < ${TARGET_RSS_GROWTH_MB} MB`;
  if (memory === null) return notMeasured(target);
  const growth = rssGrowthMb(memory);
  const measured = `${growth.toFixed(1)} MB over ${memory.requests.toLocaleString('en-US')} requests`;
  // Fewer requests (a quick run) cannot show whether the target holds.
  return { target, measured, met: memory.requests >= TARGET_REQUESTS_FOR_RSS ? growth < TARGET_RSS_GROWTH_MB : null };
}

export function checkTargets(results: readonly ScenarioResult[], memory: MemoryResult | null): TargetCheck[] {
  return [
    ...mixedStartChecks(results),
    kvGetCheck(results, 'memory'),
    kvGetCheck(results, 'sqlite'),
    sqliteWriteCheck(results),
    memoryCheck(memory),
  ];
}
