/**
 * Which of an execution's results decides its state. A task with retries has one result per
 * run for one session [DOC: Task: Start, "each task retry renders a new execution result"];
 * the earlier ones end Retry. The latest is found by, first difference wins:
 * 1. `createdDate`: a retry's result is created after the run it retries [INF];
 * 2. `startTime`, a result not started yet counting as the latest: within one session only
 *    the newest run can still be waiting to start;
 * 3. a Retry result loses: by its meaning another result follows it.
 * Results alike in all three keep QRS's order (the first listed stays).
 */
import { EXECUTION_STATUS_NAMES, type QrsExecutionResult } from './execution-types.js';

const RETRY = EXECUTION_STATUS_NAMES.indexOf('Retry');

function compare(a: number, b: number): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function byCreation(a: QrsExecutionResult, b: QrsExecutionResult): number {
  if (a.createdTime === null || b.createdTime === null) return 0;
  return compare(Date.parse(a.createdTime), Date.parse(b.createdTime));
}

function byStart(a: QrsExecutionResult, b: QrsExecutionResult): number {
  const start = (result: QrsExecutionResult) => (result.startTime === null ? Infinity : Date.parse(result.startTime));
  return compare(start(a), start(b));
}

function byRetry(a: QrsExecutionResult, b: QrsExecutionResult): number {
  return compare(a.status === RETRY ? 0 : 1, b.status === RETRY ? 0 : 1);
}

/** Positive when `a` is later than `b`, negative when earlier, 0 when nothing tells them apart. */
export function compareResults(a: QrsExecutionResult, b: QrsExecutionResult): number {
  return byCreation(a, b) || byStart(a, b) || byRetry(a, b);
}

/** The latest result of each execution in `results`, by execution id. */
export function latestResults(results: readonly QrsExecutionResult[]): Map<string, QrsExecutionResult> {
  const latest = new Map<string, QrsExecutionResult>();
  for (const result of results) {
    const seen = latest.get(result.executionId);
    if (seen === undefined || compareResults(result, seen) > 0) latest.set(result.executionId, result);
  }
  return latest;
}
