/**
 * The Qlik Cloud poller's reader against a stand-in for the client's getReload (the function
 * it is given) and a pacer that gives every turn at once and records pauses: one call per
 * reload, Qlik Cloud's status names, a 429 pausing polling without failing it, other failures
 * reported with the states that were read.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { QlikCloudResponseError } from '../../src/qlikcloud/errors.js';
import type { CloudReload } from '../../src/qlikcloud/types.js';
import { DEFAULT_RETRY_AFTER_MS, readCloudSnapshotsFrom } from '../../src/waiting/cloud-reads.js';
import type { PollPacer } from '../../src/waiting/poll-pacer.js';
import { PartialReadError } from '../../src/waiting/poller.js';
import { createCapturingLogger } from '../helpers/logger.js';

const APP = '5a1e0c3b-7f2d-4c61-9b8e-2d4f6a8c0001';

function reload(id: string, status: string): CloudReload {
  const ended = ['SUCCEEDED', 'FAILED'].includes(status);
  return {
    id,
    appId: APP,
    status,
    partial: false,
    creationTime: '2026-12-01T06:00:00.000Z',
    startTime: '2026-12-01T06:00:01.000Z',
    endTime: ended ? '2026-12-01T06:00:04.500Z' : null,
    log: ended ? 'Reload summary' : null,
  };
}

function tenant(answers: Record<string, CloudReload | Error>) {
  const asked: string[] = [];
  return {
    asked,
    async getReload(id: string) {
      asked.push(id);
      const answer = answers[id];
      if (answer instanceof Error) throw answer;
      return answer;
    },
  };
}

function instantPacer() {
  const pauses: number[] = [];
  const pacer: PollPacer = { turn: async () => true, pauseFor: (ms) => void pauses.push(ms), close: () => undefined };
  return { pacer, pauses };
}

const rateLimited = (retryAfterSeconds?: number) =>
  new QlikCloudResponseError(
    { method: 'GET', endpoint: '/api/v1/reloads/{id}', status: 429, ...(retryAfterSeconds === undefined ? {} : { retryAfterSeconds }) },
    'status 429',
  );

test('one call per reload, in Qlik Cloud status names; unknown reloads and unwanted ones are absent', async () => {
  const cloud = tenant({ r1: reload('r1', 'RELOADING'), r2: reload('r2', 'FAILED') });
  const { pacer } = instantPacer();
  const read = readCloudSnapshotsFrom(cloud, { pacer, logger: createCapturingLogger().logger });
  const found = await read(['r1', 'r2', 'gone', 'ended-meanwhile'], (id) => id !== 'ended-meanwhile');
  assert.deepEqual(cloud.asked.sort(), ['gone', 'r1', 'r2'], 'a reload no longer wanted costs no call');
  assert.deepEqual([...found.keys()].sort(), ['r1', 'r2']);
  const running = found.get('r1');
  assert.ok(running?.backend === 'qlik-cloud');
  assert.equal(running.final, false);
  assert.equal(running.answer.status, 'RELOADING');
  assert.equal(running.answer.stopTime, null);
  const failed = found.get('r2');
  assert.ok(failed?.backend === 'qlik-cloud');
  assert.deepEqual(
    { ...failed.answer, final: failed.final, log: failed.log },
    {
      executionId: 'r2',
      taskId: APP,
      taskName: null,
      status: 'FAILED',
      statusText: 'Failed',
      startTime: '2026-12-01T06:00:01.000Z',
      stopTime: '2026-12-01T06:00:04.500Z',
      durationMs: 3500,
      backend: 'qlik-cloud',
      appId: APP,
      reloadId: 'r2',
      final: true,
      log: 'Reload summary',
    },
  );
});

test('a 429 pauses polling for its Retry-After (or a default), once in the log, and is not a failure', async () => {
  const cloud = tenant({ r1: rateLimited(7), r2: rateLimited(7), r3: reload('r3', 'QUEUED'), r4: rateLimited() });
  const { pacer, pauses } = instantPacer();
  const { logger, lines } = createCapturingLogger('info');
  const read = readCloudSnapshotsFrom(cloud, { pacer, logger });
  const found = await read(['r1', 'r2', 'r3'], () => true);
  assert.deepEqual([...found.keys()], ['r3'], 'the round goes on; the limited reads are simply not known yet');
  assert.deepEqual(pauses, [7_000, 7_000]);
  assert.equal(lines().filter((line) => line.includes('429')).length, 1, 'one warning per pause');

  await read(['r4'], () => true);
  assert.deepEqual(pauses.at(-1), DEFAULT_RETRY_AFTER_MS, 'no Retry-After: the default pause');
});

test('other failures fail the round, keeping what was read', async () => {
  const failure = new QlikCloudResponseError({ method: 'GET', endpoint: '/api/v1/reloads/{id}', status: 503 }, 'status 503');
  const cloud = tenant({ r1: failure, r2: reload('r2', 'SUCCEEDED') });
  const { pacer } = instantPacer();
  const read = readCloudSnapshotsFrom(cloud, { pacer, logger: createCapturingLogger().logger });
  const error = await read(['r1', 'r2'], () => true).then(
    () => assert.fail('the round should fail'),
    (caught: unknown) => caught,
  );
  assert.ok(error instanceof PartialReadError);
  assert.match(error.message, /status 503/);
  assert.deepEqual([...error.found.keys()], ['r2']);
});
