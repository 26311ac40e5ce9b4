/**
 * Reload-finished webhook events: the Qlik-Signature check (HMAC-SHA256 of the raw body, hex)
 * and the reading of CloudEvents as Qlik Cloud documents them.
 */
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { test } from 'node:test';
import { BadRequestError } from '../../src/errors.js';
import { readWebhookEvent, RELOAD_FINISHED_EVENT_TYPE, signatureMatches } from '../../src/reloadevents/index.js';

const SECRET = 'qlik-webhook-secret-27c41d9e-0b5f93a6c4e1';
const sign = (body: Buffer, secret = SECRET) => createHmac('sha256', secret).update(body).digest('hex');

function event(data: Record<string, unknown>, extra: Record<string, unknown> = {}) {
  return {
    specversion: '1.0',
    type: RELOAD_FINISHED_EVENT_TYPE,
    source: 'com.qlik/reloads',
    id: 'a3f4c1de-0b9e-4f61-8d3a-2c7e5f901234',
    time: '2026-12-01T06:00:09.000Z',
    data: { id: '65f1c2d3e4a5b6c7d8e9f0a1', appId: '5a1e0c3b-7f2d-4c61-9b8e-2d4f6a8c0001', status: 'FAILED', ...data },
    ...extra,
  };
}

test('the signature is the HMAC-SHA256 of the raw bytes with the secret; anything else does not match', () => {
  const body = Buffer.from(JSON.stringify(event({})));
  assert.equal(signatureMatches(body, sign(body), SECRET), true);
  assert.equal(signatureMatches(body, sign(body).toUpperCase(), SECRET), true, 'hex digits in either case are the same digest');
  assert.equal(signatureMatches(body, undefined, SECRET), false, 'missing');
  assert.equal(signatureMatches(body, sign(body, 'another-secret-of-length'), SECRET), false, 'another key');
  assert.equal(signatureMatches(Buffer.from(`${body.toString()} `), sign(body), SECRET), false, 'a changed body');
  assert.equal(signatureMatches(body, sign(body).slice(0, 63), SECRET), false, 'too short');
  assert.equal(signatureMatches(body, `sha256=${sign(body)}`, SECRET), false, 'another format');
  assert.equal(signatureMatches(body, [sign(body), sign(body)], SECRET), false, 'the header twice');
});

test('a reload-finished event gives its reload; the end time is data.endTime or else the event time', () => {
  const withEnd = readWebhookEvent(event({ startTime: '2026-12-01T06:00:01.000Z', endTime: '2026-12-01T06:00:08.000Z', partial: true }));
  assert.deepEqual(withEnd, {
    kind: 'reloadFinished',
    reload: {
      id: '65f1c2d3e4a5b6c7d8e9f0a1',
      appId: '5a1e0c3b-7f2d-4c61-9b8e-2d4f6a8c0001',
      status: 'FAILED',
      partial: true,
      creationTime: null,
      startTime: '2026-12-01T06:00:01.000Z',
      endTime: '2026-12-01T06:00:08.000Z',
      log: null,
    },
  });
  const documented = readWebhookEvent(event({ status: 'SUCCEEDED', durationSeconds: 7 }));
  assert.ok(documented.kind === 'reloadFinished');
  assert.equal(documented.reload.endTime, '2026-12-01T06:00:09.000Z');
  assert.equal(documented.reload.startTime, null);
});

test('other event types and non-final statuses are acknowledged and ignored', () => {
  assert.deepEqual(readWebhookEvent({ ...event({}), type: 'com.qlik.v1.app.reload.finished' }), {
    kind: 'ignored',
    reason: 'not a com.qlik.v1.reload.finished event (type "com.qlik.v1.app.reload.finished")',
  });
  assert.equal(readWebhookEvent(event({ status: 'RELOADING' })).kind, 'ignored');
});

test('a reload-finished event without a usable id, app or status is a 400 naming the field', () => {
  const cases: [unknown, RegExp][] = [
    [[], /^body must be an object \(got an array\)$/],
    [{ type: RELOAD_FINISHED_EVENT_TYPE }, /^body\.data must be an object \(got undefined\)$/],
    [event({ id: 7 }), /^body\.data\.id must be a non-empty string \(got a number\)$/],
    [event({ appId: '../../admin' }), /^body\.data\.appId must be a Qlik Cloud id of 1-64 letters/],
    [event({ status: undefined }), /^body\.data\.status must be a non-empty string \(got undefined\)$/],
  ];
  for (const [body, message] of cases) {
    assert.throws(() => readWebhookEvent(body), (error: unknown) => error instanceof BadRequestError && message.test(error.message), JSON.stringify(body));
  }
});
