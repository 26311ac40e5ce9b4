/**
 * Pure parts of reading Qlik Cloud reloads: which backend an id is asked of, Qlik Cloud's
 * statuses as answers, and the script log tail with its fallbacks, against a stand-in for the
 * two client calls it makes (the functions it is given).
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { BadRequestError } from '../../src/errors.js';
import { cloudSnapshotOf } from '../../src/executions/cloud-status.js';
import { readCloudScriptLogTail } from '../../src/executions/cloud-script-log-tail.js';
import { backendsToAsk } from '../../src/executions/execution-id.js';
import { QlikCloudResponseError } from '../../src/qlikcloud/errors.js';
import type { CloudReload } from '../../src/qlikcloud/types.js';

const GUID = '6a7e1c0b-2f4d-4e9a-8b3c-5d1f0e2a4c67';
const BOTH = { qrs: true, cloud: true };

test('a GUID asks QRS first, then Qlik Cloud; other URL-safe ids only Qlik Cloud; anything else is a 400', () => {
  assert.deepEqual(backendsToAsk(GUID, BOTH), ['qlik-sense', 'qlik-cloud']);
  assert.deepEqual(backendsToAsk(GUID, { qrs: true, cloud: false }), ['qlik-sense']);
  assert.deepEqual(backendsToAsk(GUID, { qrs: false, cloud: true }), ['qlik-cloud']);
  assert.deepEqual(backendsToAsk('65f1c2d3e4a5b6c7d8e9f0a1', BOTH), ['qlik-cloud']);
  assert.deepEqual(backendsToAsk('a'.repeat(64), BOTH), ['qlik-cloud']);
  const refused = (id: string, on: { qrs: boolean; cloud: boolean }, message: RegExp) =>
    assert.throws(() => backendsToAsk(id, on), (error: unknown) => error instanceof BadRequestError && message.test(error.message), id);
  refused('a'.repeat(65), BOTH, /^executionId must be a GUID \(a QRS execution session id\) or a Qlik Cloud reload id/);
  refused('.hidden', BOTH, /Qlik Cloud reload id of 1-64 letters/);
  refused('a/b', BOTH, /\(got "a\/b"\)$/);
  refused('65f1c2d3e4a5b6c7d8e9f0a1', { qrs: true, cloud: false }, /^executionId must be a GUID \(got "65f1c2d3e4a5b6c7d8e9f0a1"\)$/);
  refused('x y', { qrs: false, cloud: true }, /^executionId must be a Qlik Cloud reload id of 1-64 letters/);
});

const reload = (status: string, extra: Partial<CloudReload> = {}): CloudReload => ({
  id: 'r1',
  appId: 'app-1',
  status,
  partial: false,
  creationTime: '2026-12-01T06:00:00.000Z',
  startTime: '2026-12-01T06:00:01.000Z',
  endTime: '2026-12-01T06:00:04.000Z',
  log: 'summary line 1\nsummary line 2',
  ...extra,
});

test("Qlik Cloud's statuses: final ones end, any other runs; times only once final", () => {
  for (const status of ['SUCCEEDED', 'FAILED', 'CANCELED', 'EXCEEDED_LIMIT']) assert.equal(cloudSnapshotOf(reload(status), null).final, true, status);
  for (const status of ['QUEUED', 'RELOADING', 'CANCELING', 'CREATED', 'constructor']) {
    const snapshot = cloudSnapshotOf(reload(status), 'App');
    assert.equal(snapshot.final, false, status);
    assert.equal(snapshot.answer.stopTime, null);
    assert.equal(snapshot.answer.durationMs, null);
  }
  assert.equal(cloudSnapshotOf(reload('CREATED'), null).answer.statusText, 'Qlik Cloud status CREATED, not one this service knows (taken as running)');
  assert.equal(cloudSnapshotOf(reload('CANCELED', { startTime: null }), null).answer.durationMs, null, 'cancelled while queued: no run time');
});

function tenant(log: string | Error, summary: string | null | Error = 'from the reload') {
  const calls: string[] = [];
  return {
    calls,
    async readScriptLog(appId: string, reloadId: string) {
      calls.push(`log ${appId}/${reloadId}`);
      if (log instanceof Error) throw log;
      return log;
    },
    async getReload(reloadId: string) {
      calls.push(`reload ${reloadId}`);
      if (summary instanceof Error) throw summary;
      return reload('FAILED', { id: reloadId, log: summary });
    },
  };
}

const notFound = new QlikCloudResponseError({ method: 'GET', endpoint: '/api/v1/apps/{appId}/reloads/logs/{reloadId}', status: 404 }, 'status 404');

test('the script log tail: its last lines; the reload log summary when the log cannot be read; why, when neither can', async () => {
  const failed = cloudSnapshotOf(reload('FAILED'), null);
  assert.deepEqual(await readCloudScriptLogTail(tenant('a\r\nb\r\nc\r\nd\r\n'), failed, 2), { scriptLogTail: 'c\nd' });
  assert.deepEqual(await readCloudScriptLogTail(tenant(notFound), failed, 5), { scriptLogTail: 'summary line 1\nsummary line 2' });

  const fromEvent = cloudSnapshotOf(reload('EXCEEDED_LIMIT', { log: null }), null);
  const noLog = tenant(notFound);
  assert.deepEqual(await readCloudScriptLogTail(noLog, fromEvent, 5), { scriptLogTail: 'from the reload' });
  assert.deepEqual(noLog.calls, ['log app-1/r1', 'reload r1'], 'a snapshot without a summary asks the reload for it');

  assert.deepEqual(await readCloudScriptLogTail(tenant(notFound, null), fromEvent, 5), {
    scriptLogTailUnavailable: 'the script log could not be read (Qlik Cloud GET /api/v1/apps/{appId}/reloads/logs/{reloadId} failed: status 404), and the reload has no log summary',
  });
  const down = new QlikCloudResponseError({ method: 'GET', endpoint: '/api/v1/reloads/r1', status: 503 }, 'status 503');
  assert.match((await readCloudScriptLogTail(tenant(notFound, down), fromEvent, 5)).scriptLogTailUnavailable ?? '', /nor the reload's log summary \(.*status 503\)$/);
  assert.deepEqual(await readCloudScriptLogTail(tenant(''), failed, 5), { scriptLogTail: 'summary line 1\nsummary line 2' }, 'an empty log: the summary');
});

test('no tail for a reload that succeeded, was cancelled or runs, nor with scriptLogTailLines 0', async () => {
  const asked = tenant('x');
  for (const status of ['SUCCEEDED', 'CANCELED', 'RELOADING']) assert.deepEqual(await readCloudScriptLogTail(asked, cloudSnapshotOf(reload(status), null), 5), {});
  assert.deepEqual(await readCloudScriptLogTail(asked, cloudSnapshotOf(reload('FAILED'), null), 0), {});
  assert.deepEqual(asked.calls, []);
});

test('a failure that is not a Qlik Cloud call failing is a bug, not a reason', async () => {
  await assert.rejects(readCloudScriptLogTail(tenant(new TypeError('bug')), cloudSnapshotOf(reload('FAILED'), null), 5), TypeError);
});
