import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  createExecutionLog,
  currentRun,
  ExecutionStatus,
  runStateAt,
  sessionStatusAt,
  type ExecutionPlan,
} from '../../src/simulator/executions.js';
import { TaskType, type SimTask } from '../../src/simulator/fixture.js';

const PLAN: ExecutionPlan = {
  durationMs: 1000,
  finalStatus: ExecutionStatus.FinishedSuccess,
  scriptLogLines: 3,
  retries: 0,
  retryDelayMs: 0,
  distributionMs: 0,
};

function task(id: string): SimTask {
  return { id, name: `task ${id}`, taskType: TaskType.Reload, enabled: true, tags: [], customProperties: [] };
}

test('lastOf is the newest start of that task, whatever else started since; never-started is undefined', () => {
  const log = createExecutionLog();
  const a = task('aaaaaaaa-0000-4000-8000-000000000001');
  const b = task('bbbbbbbb-0000-4000-8000-000000000002');
  const first = log.start(a, PLAN, 1_000);
  const second = log.start(a, PLAN, 2_000);
  const other = log.start(b, PLAN, 3_000);
  assert.equal(log.lastOf(a.id), second);
  assert.notEqual(log.lastOf(a.id), first);
  assert.equal(log.lastOf(b.id.toUpperCase()), other, 'ids compare case-insensitively');
  assert.equal(log.lastOf('cccccccc-0000-4000-8000-000000000003'), undefined);
  assert.deepEqual(log.all(), [first, second, other], 'all() keeps start order');
});

test('each execution is found by its session id, each run by its result and file reference id, in any case', () => {
  const log = createExecutionLog();
  const execution = log.start(task('aaaaaaaa-0000-4000-8000-000000000001'), { ...PLAN, retries: 1 }, 1_000);
  log.start(task('bbbbbbbb-0000-4000-8000-000000000002'), PLAN, 2_000);
  assert.equal(log.bySessionId(execution.sessionId.toUpperCase()), execution);
  const [first, retry] = execution.runs;
  assert.ok(first && retry);
  for (const run of [first, retry]) {
    assert.equal(log.byResultId(run.resultId), run);
    assert.equal(log.byFileReferenceId(run.fileReferenceId.toUpperCase()), run);
    assert.equal(run.execution, execution);
  }
  assert.notEqual(first.resultId, retry.resultId);
  assert.equal(log.bySessionId(first.resultId), undefined, 'a result id is not a session id');
  assert.equal(log.byResultId('00000000-0000-0000-0000-000000000000'), undefined);
});

test('a retried execution: the first run ends Retry, the retry starts after the delay and ends as planned', () => {
  const log = createExecutionLog();
  const plan = { ...PLAN, durationMs: 400, retries: 1, retryDelayMs: 200, finalStatus: ExecutionStatus.FinishedFail };
  const execution = log.start(task('aaaaaaaa-0000-4000-8000-000000000001'), plan, 1_000);
  const [first, retry] = execution.runs;
  assert.ok(first && retry);
  assert.deepEqual([first.startedAt, first.last, retry.startedAt, retry.last], [1_000, false, 1_600, true]);
  assert.deepEqual(runStateAt(first, 1_200), { status: ExecutionStatus.Started, stoppedAt: null });
  assert.deepEqual(runStateAt(first, 1_400), { status: ExecutionStatus.Retry, stoppedAt: 1_400 });
  // Between the runs the session waits in Retry; then it follows the retry.
  assert.equal(currentRun(execution, 1_500), first);
  assert.equal(sessionStatusAt(execution, 1_500), ExecutionStatus.Retry);
  assert.equal(currentRun(execution, 1_600), retry);
  assert.equal(sessionStatusAt(execution, 1_600), ExecutionStatus.Triggered);
  assert.deepEqual(runStateAt(retry, 2_000), { status: ExecutionStatus.FinishedFail, stoppedAt: 2_000 });
  assert.deepEqual(runStateAt(first, 2_000), { status: ExecutionStatus.Retry, stoppedAt: 1_400 }, 'the first result keeps Retry');
});

test('distribution: DistributionQueue, then DistributionRunning, then the final status', () => {
  const log = createExecutionLog();
  const execution = log.start(task('aaaaaaaa-0000-4000-8000-000000000001'), { ...PLAN, durationMs: 400, distributionMs: 100 }, 1_000);
  const statusAt = (at: number) => sessionStatusAt(execution, at);
  assert.deepEqual(
    [1_000, 1_200, 1_400, 1_499, 1_500, 1_599, 1_600].map(statusAt),
    [
      ExecutionStatus.Triggered,
      ExecutionStatus.Started,
      ExecutionStatus.DistributionQueue,
      ExecutionStatus.DistributionQueue,
      ExecutionStatus.DistributionRunning,
      ExecutionStatus.DistributionRunning,
      ExecutionStatus.FinishedSuccess,
    ],
  );
  const [run] = execution.runs;
  assert.ok(run);
  assert.equal(runStateAt(run, 1_599).stoppedAt, null, 'no stop time while distributing');
  assert.equal(runStateAt(run, 1_600).stoppedAt, 1_600);
});
