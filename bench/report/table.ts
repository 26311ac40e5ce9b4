import type { MemoryResult, ScenarioResult } from '../scenarios/types.js';
import { baselineRatio, limitRatio, rssGrowthMb, rssSpreadMb, type TargetCheck } from './targets.js';

const COLUMNS = [
  'scenario',
  'req/s',
  'p50 ms',
  'p90 ms',
  'p99 ms',
  'errors',
  'svc CPU ms/req',
  'svc cores',
  'bench CPU ms/req',
  'bench cores',
  'QRS req/request',
  'vs Fastify baseline',
  'vs node:http',
  '÷ QRS latency (p50, p99)',
];
const RIGHT_ALIGNED = new Set([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);

function ms(value: number): string {
  return value < 10 ? value.toFixed(2) : value.toFixed(1);
}

function row(results: readonly ScenarioResult[], result: ScenarioResult): string[] {
  const { load } = result;
  const ratio = baselineRatio(results, result);
  const ofLimit = limitRatio(results, result);
  const qrs = result.qrsLatencyMs;
  return [
    result.title,
    String(Math.round(load.requestsPerSecond)),
    ms(load.latencyMs.p50),
    ms(load.latencyMs.p90),
    ms(load.latencyMs.p99),
    String(load.errors),
    result.serverCpu.msPerRequest.toFixed(3),
    result.serverCpu.coresUsed.toFixed(2),
    result.benchCpu.msPerRequest.toFixed(3),
    result.benchCpu.coresUsed.toFixed(2),
    result.qrsRequestsPerRequest === undefined ? '' : result.qrsRequestsPerRequest.toFixed(2),
    ratio === undefined ? '' : `${(ratio * 100).toFixed(0)}%`,
    ofLimit === undefined ? '' : `${(ofLimit * 100).toFixed(0)}%`,
    qrs === undefined || qrs === 0 ? '' : `${(load.latencyMs.p50 / qrs).toFixed(2)}×, ${(load.latencyMs.p99 / qrs).toFixed(2)}×`,
  ];
}

function rows(results: readonly ScenarioResult[]): string[][] {
  return results.map((result) => row(results, result));
}

/** Fixed-width text table for the terminal. */
export function textTable(results: readonly ScenarioResult[]): string {
  const body = rows(results);
  const widths = COLUMNS.map((title, i) => Math.max(title.length, ...body.map((cells) => (cells[i] ?? '').length)));
  const line = (cells: readonly string[]) =>
    cells.map((cell, i) => (RIGHT_ALIGNED.has(i) ? cell.padStart(widths[i] ?? 0) : cell.padEnd(widths[i] ?? 0))).join('  ');
  return [line(COLUMNS), widths.map((w) => '-'.repeat(w)).join('  '), ...body.map(line)].join('\n');
}

export function markdownTable(results: readonly ScenarioResult[]): string {
  const line = (cells: readonly string[]) => `| ${cells.join(' | ')} |`;
  const rule = COLUMNS.map((_, i) => (RIGHT_ALIGNED.has(i) ? '---:' : '---'));
  return [line(COLUMNS), line(rule), ...rows(results).map(line)].join('\n');
}

const MB = 1024 * 1024;
const mb = (bytes: number) => (bytes / MB).toFixed(1);

export function memorySummary(memory: MemoryResult): string {
  const rss = memory.samples.map((sample) => mb(sample.rssBytes)).join(' → ');
  const heap = memory.samples.map((sample) => mb(sample.heapUsedBytes)).join(' → ');
  return (
    `${memory.requests.toLocaleString('en-US')} requests (after ${memory.warmupRequests.toLocaleString('en-US')} warm-up) ` +
    `at ${Math.round(memory.requestsPerSecond)} req/s, ${memory.errors} errors. ` +
    `RSS MB, before and after each quarter: ${rss} (growth ${rssGrowthMb(memory).toFixed(1)} MB, spread ${rssSpreadMb(memory).toFixed(1)} MB); ` +
    `heap used MB: ${heap}`
  );
}

function verdict(check: TargetCheck): string {
  if (check.met === null) return 'not checked';
  return check.met ? 'met' : 'MISSED';
}

export function targetLines(checks: readonly TargetCheck[]): string[] {
  return checks.map((check) => `${verdict(check)}: ${check.target}: ${check.measured}`);
}

export function markdownTargets(checks: readonly TargetCheck[]): string {
  const line = (cells: readonly string[]) => `| ${cells.join(' | ')} |`;
  return [
    line(['target', 'measured', 'result']),
    line(['---', '---', '---']),
    ...checks.map((check) => line([check.target, check.measured, verdict(check)])),
  ].join('\n');
}
