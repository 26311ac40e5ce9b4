/**
 * The targets of issues 7 and 13, checked against this run's numbers and reported, never asserted:
 * timings depend on the machine, so they belong in a report, not in a test.
 */
import { BARE_HTTP_ID, BASELINE_GET_ID } from '../scenarios/baseline.js';
import { UNLOADED_QRS_LATENCY_MS } from '../scenarios/start.js';
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
const TARGET_HEALTH_OF_LIMIT = 0.4;
const TARGET_KV_GET_SQLITE_OF_LIMIT = 0.25;
const TARGET_UNLOADED_P50_MULTIPLE = 2.3;

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

export function limitRatio(results: readonly ScenarioResult[], result: ScenarioResult): number | undefined {
  if (result.limitId === undefined) return undefined;
  const limit = byId(results, result.limitId);
  if (limit === undefined || limit.load.requestsPerSecond === 0) return undefined;
  return result.load.requestsPerSecond / limit.load.requestsPerSecond;
}

function okPerSecond(result: ScenarioResult): number {
  return result.load.durationSeconds > 0 ? result.load.okCount / result.load.durationSeconds : 0;
}

function ofLimitCheck(results: readonly ScenarioResult[], id: string, what: string, minimum: number): TargetCheck {
  const target = `${what}: ≥ ${minimum * 100}% of bare node:http's requests/s (same run)`;
  const result = byId(results, id);
  const ratio = result && limitRatio(results, result);
  if (result === undefined || ratio === undefined || byId(results, BARE_HTTP_ID) === undefined) return notMeasured(target);
  return { target, measured: `${(ratio * 100).toFixed(0)}% (${Math.round(result.load.requestsPerSecond)} req/s)`, met: ratio >= minimum };
}

function unloadedMixedStartCheck(results: readonly ScenarioResult[]): TargetCheck[] {
  const target = `Mixed start, QRS ${UNLOADED_QRS_LATENCY_MS} ms, 1 connection: p50 ≤ ${TARGET_UNLOADED_P50_MULTIPLE} × QRS latency`;
  const rows = results.filter((r) => r.id.startsWith(`start-mixed-qrs${UNLOADED_QRS_LATENCY_MS}ms`) && r.load.connections === 1);
  if (rows.length === 0) return [notMeasured(target)];
  return rows.map((r) => {
    if (r.load.completed === 0) return noAnswers(target);
    const p50 = r.load.latencyMs.p50 / UNLOADED_QRS_LATENCY_MS;
    return {
      target: `${target} (startConcurrency ${r.startConcurrency ?? '?'})`,
      measured: `${p50.toFixed(2)} × (${r.load.latencyMs.p50.toFixed(1)} ms)`,
      met: p50 <= TARGET_UNLOADED_P50_MULTIPLE,
    };
  });
}

function notMeasured(target: string): TargetCheck {
  return { target, measured: 'not measured in this run', met: null };
}

/** A run in which no request finished has no latency to compare: the target is missed. */
function noAnswers(target: string): TargetCheck {
  return { target, measured: 'no request finished within the run', met: false };
}

function mixedStartChecks(results: readonly ScenarioResult[]): TargetCheck[] {
  const mixed = results.filter((r) => r.id.startsWith('start-mixed-qrs20ms') && r.load.connections === TARGET_CONNECTIONS);
  const p50Target = `Mixed start, QRS 20 ms, ${TARGET_CONNECTIONS} connections: p50 ≤ ${TARGET_P50_MULTIPLE} × QRS latency`;
  const p99Target = `Mixed start, QRS 20 ms, ${TARGET_CONNECTIONS} connections: p99 ≤ ${TARGET_P99_MULTIPLE} × QRS latency`;
  if (mixed.length === 0) return [notMeasured(p50Target), notMeasured(p99Target)];
  return mixed.flatMap((r) => {
    if (r.load.completed === 0) return [noAnswers(p50Target), noAnswers(p99Target)];
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
  const writes = okPerSecond(result);
  return { target, measured: `${Math.round(writes)} writes/s (2xx answers)`, met: writes >= TARGET_SQLITE_WRITES_PER_SECOND };
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
    ofLimitCheck(results, 'health', '/health (shipped defaults)', TARGET_HEALTH_OF_LIMIT),
    ofLimitCheck(results, 'kv-get-sqlite', 'Key-value GET on sqlite', TARGET_KV_GET_SQLITE_OF_LIMIT),
    ...unloadedMixedStartCheck(results),
    ...mixedStartChecks(results),
    kvGetCheck(results, 'memory'),
    kvGetCheck(results, 'sqlite'),
    sqliteWriteCheck(results),
    memoryCheck(memory),
  ];
}
