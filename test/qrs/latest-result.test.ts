import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { QrsExecutionResult } from '../../src/qrs/execution-types.js';
import { latestResults } from '../../src/qrs/latest-result.js';

const SESSION = '6a7e1c0b-2f4d-4e9a-8b3c-5d1f0e2a4c67';
const OTHER = '11111111-2222-4333-8444-555555555555';
const RETRY = 10;
const STARTED = 2;
const QUEUED = 3;
const SUCCESS = 7;

function result(id: string, fields: Partial<QrsExecutionResult>): QrsExecutionResult {
  return {
    id,
    createdTime: null,
    executionId: SESSION,
    taskId: 'e3b27f50-b1c0-4879-88fc-c7cdd9c1cf3e',
    status: STARTED,
    startTime: null,
    stopTime: null,
    durationMs: 0,
    fileReferenceId: null,
    ...fields,
  };
}

const latestId = (results: QrsExecutionResult[], executionId = SESSION) => latestResults(results).get(executionId)?.id;

test('the result QRS created last decides, whatever order QRS lists them in', () => {
  const first = result('first', { createdTime: '2026-01-01T10:00:00.000Z', startTime: '2026-01-01T10:00:00.100Z', status: RETRY });
  const retry = result('retry', { createdTime: '2026-01-01T10:05:00.000Z', startTime: null, status: QUEUED });
  assert.equal(latestId([first, retry]), 'retry');
  assert.equal(latestId([retry, first]), 'retry');
});

test('without creation times: the later start, a result not started yet counting as the latest', () => {
  const first = result('first', { startTime: '2026-01-01T10:00:00.000Z', status: RETRY });
  const later = result('later', { startTime: '2026-01-01T10:01:00.000Z', status: STARTED });
  const waiting = result('waiting', { startTime: null, status: QUEUED });
  assert.equal(latestId([later, first]), 'later');
  assert.equal(latestId([first, waiting]), 'waiting');
  assert.equal(latestId([waiting, first]), 'waiting');
});

test('times alike: a Retry result never decides; otherwise the first listed stays', () => {
  const at = { createdTime: '2026-01-01T10:00:00.000Z', startTime: '2026-01-01T10:00:00.000Z' };
  const retry = result('retry', { ...at, status: RETRY });
  const done = result('done', { ...at, status: SUCCESS });
  assert.equal(latestId([retry, done]), 'done');
  assert.equal(latestId([done, retry]), 'done');
  assert.equal(latestId([result('a', at), result('b', at)]), 'a');
});

test('one latest result per execution', () => {
  const results = [
    result('s1', { startTime: '2026-01-01T10:00:00.000Z' }),
    result('o1', { executionId: OTHER, startTime: '2026-01-01T11:00:00.000Z' }),
    result('s2', { startTime: '2026-01-01T10:30:00.000Z' }),
  ];
  const latest = latestResults(results);
  assert.deepEqual([...latest.entries()].map(([id, r]) => [id, r.id]), [[SESSION, 's2'], [OTHER, 'o1']]);
});
