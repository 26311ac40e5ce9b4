import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createExecutionLog, ExecutionStatus, type ExecutionPlan } from '../../src/simulator/executions.js';
import { TaskType, type SimTask } from '../../src/simulator/fixture.js';

const PLAN: ExecutionPlan = { durationMs: 1000, finalStatus: ExecutionStatus.FinishedSuccess, scriptLogLines: 3 };

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

test('each execution is found by its session, result and file reference id, in any case', () => {
  const log = createExecutionLog();
  const execution = log.start(task('aaaaaaaa-0000-4000-8000-000000000001'), PLAN, 1_000);
  log.start(task('bbbbbbbb-0000-4000-8000-000000000002'), PLAN, 2_000);
  assert.equal(log.bySessionId(execution.sessionId.toUpperCase()), execution);
  assert.equal(log.byResultId(execution.resultId), execution);
  assert.equal(log.byFileReferenceId(execution.fileReferenceId.toUpperCase()), execution);
  assert.equal(log.bySessionId(execution.resultId), undefined, 'a result id is not a session id');
  assert.equal(log.byResultId('00000000-0000-0000-0000-000000000000'), undefined);
});
