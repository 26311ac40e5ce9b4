/**
 * The audit trail: exactly one structured line (`audit: true`) per start request and per
 * key-value write or delete, refusals included, saying who, from where, what was asked and
 * what was done, with value sizes but never values, callback URLs without their query and
 * Idempotency-Keys as short hashes.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { test } from 'node:test';
import { call, startHarness, TASKS } from '../starttask/harness.js';
import { AUTH_ON, bearer, KEYS } from '../helpers/api-keys.js';

type Line = Record<string, unknown>;

const VALUE = 'audit-test-value-9d4e2a';

test('one audit line per start and per key-value write or delete, refusals included; reads are not audited', async (t) => {
  const h = await startHarness(t, { settings: { server: { auth: AUTH_ON } } });
  const audits = (): Line[] => h.logLines().map((line) => JSON.parse(line) as Line).filter((line) => line.audit === true);

  await call(h.base, `/v4/reloadtask/${TASKS.app1.taskId}/start?allTaskIdsMustExist=true`, {
    body: [
      { type: 'starttaskid', payload: { taskId: TASKS.app2.taskId } },
      { type: 'keyvaluestore', payload: { namespace: 'params', key: 'when', value: VALUE, ttl: '60000' } },
    ],
    headers: bearer(KEYS.starter),
  });
  await call(h.base, '/v4/keyvalues/params', { method: 'POST', body: { key: 'who', value: VALUE, ttl: 5000 }, headers: bearer(KEYS.writer) });
  await call(h.base, '/v4/keyvalues/params?key=who', { method: 'GET', headers: bearer(KEYS.reader) });
  await call(h.base, '/v4/keyvaluesnamespaces', { method: 'GET', headers: bearer(KEYS.reader) });
  await call(h.base, '/v4/keyvalues/params/who', { method: 'DELETE', headers: bearer(KEYS.writer) });
  await call(h.base, '/v4/keyvalues/params/who', { method: 'DELETE', headers: bearer(KEYS.writer) });
  await call(h.base, '/v4/keyvalues/params', { method: 'POST', headers: { 'x-http-method-override': 'DELETE', ...bearer(KEYS.admin) } });
  await call(h.base, '/v4/keyvalues/other', { method: 'POST', body: { key: 'k', value: VALUE } });
  await call(h.base, '/v4/reloadtask/-/start', { body: [], headers: bearer(KEYS.reader) });

  const lines = audits();
  const started = [TASKS.app1.taskId, TASKS.app2.taskId].sort();
  const summary = lines.map(({ caller, action, clientIp, asked, outcome }) => ({ caller, action, clientIp, asked, outcome }));
  const normalized = summary.map((entry) =>
    entry.action === 'startTasks' && (entry.outcome as Line).started
      ? { ...entry, outcome: { ...(entry.outcome as Line), started: [...((entry.outcome as Line).started as string[])].sort() } }
      : entry,
  );
  assert.deepEqual(normalized, [
    {
      caller: 'starter',
      action: 'startTasks',
      clientIp: '127.0.0.1',
      asked: { taskId: TASKS.app1.taskId, allTaskIdsMustExist: true, items: { starttaskid: 1, keyvaluestore: 1 } },
      outcome: { statusCode: 200, started, invalid: 0, denied: 0, failed: 0, unconfirmed: 0 },
    },
    {
      caller: 'writer',
      action: 'setKeyValue',
      clientIp: '127.0.0.1',
      asked: { namespace: 'params', key: 'who', valueLength: VALUE.length, ttl: '5000' },
      outcome: { statusCode: 201 },
    },
    { caller: 'writer', action: 'deleteKey', clientIp: '127.0.0.1', asked: { namespace: 'params', key: 'who' }, outcome: { statusCode: 204 } },
    {
      caller: 'writer',
      action: 'deleteKey',
      clientIp: '127.0.0.1',
      asked: { namespace: 'params', key: 'who' },
      outcome: { statusCode: 404, code: 'ERR_KV_NOT_FOUND' },
    },
    { caller: 'admin', action: 'deleteNamespace', clientIp: '127.0.0.1', asked: { namespace: 'params' }, outcome: { statusCode: 204 } },
    {
      caller: 'anonymous',
      action: 'setKeyValue',
      clientIp: '127.0.0.1',
      asked: { namespace: 'other' },
      outcome: { statusCode: 401, code: 'ERR_UNAUTHORIZED' },
    },
    {
      caller: 'reader',
      action: 'startTasks',
      clientIp: '127.0.0.1',
      asked: { taskId: '-', items: {} },
      outcome: { statusCode: 403, code: 'ERR_FORBIDDEN' },
    },
  ]);
  for (const line of lines) {
    assert.equal(line.level, 'info');
    assert.match(String(line.timestamp), /^\d{4}-\d\d-\d\dT/);
    assert.match(String(line.message), /^audit: \S+ from 127\.0\.0\.1 \w+ (PUT|POST|DELETE) \/v4\/\S+ -> \d{3}$/);
  }
  assert.ok(!h.logLines().some((line) => line.includes(VALUE)), 'a value was logged');
});

test('malformed start bodies are audited by what they hold, without their contents', async (t) => {
  const h = await startHarness(t);
  await call(h.base, '/v4/reloadtask/-/start', { body: [{ type: 'starttaskid' }, 'junk', { type: 'x'.repeat(100) }, { type: 'BAD TYPE' }] });
  await call(h.base, '/v4/reloadtask/-/start', { body: { not: 'a list' } });
  const asked = h
    .logLines()
    .map((line) => JSON.parse(line) as Line)
    .filter((line) => line.audit === true)
    .map((line) => [line.asked, (line.outcome as Line).statusCode, line.caller]);
  assert.deepEqual(asked, [
    [{ taskId: '-', items: { starttaskid: 1, malformed: 3 } }, 400, 'anonymous'],
    [{ taskId: '-', items: { notAList: 1 } }, 400, 'anonymous'],
  ]);
});

test('the audit line of a start names its callback URL as logged (no query) and a short hash of its Idempotency-Key, never the key', async (t) => {
  const hooks = 'http://127.0.0.1:9/hooks/';
  const h = await startHarness(t, { settings: { startTask: { callback: { allowedUrlPrefixes: [hooks] } } } });
  // The reload outlasts the test: no callback is ever sent.
  h.sim.hooks.executionMs = 120_000;
  const key = 'nightly-sales-2026-11-28-9f3c';
  const callbackUrl = `${hooks}qlik?run=42&token=s3cret`;
  const start = `/v4/reloadtask/${TASKS.app1.taskId}/start?callbackUrl=${encodeURIComponent(callbackUrl)}`;
  assert.equal((await call(h.base, start, { body: [], headers: { 'idempotency-key': key } })).status, 200);
  assert.equal((await call(h.base, start, { body: [], headers: { 'idempotency-key': key } })).status, 200, 'the repeat');
  assert.equal((await call(h.base, `/v4/reloadtask/${TASKS.app1.taskId}/start?callbackUrl=ftp%3A%2F%2Fx%2Fy%3Ftoken%3Ds3cret`, { body: [] })).status, 400);
  await call(h.base, `/v4/reloadtask/${TASKS.app1.taskId}/start`, { body: [] });

  const asked = h
    .logLines()
    .map((line) => JSON.parse(line) as Line)
    .filter((line) => line.audit === true)
    .map((line) => [line.asked, (line.outcome as Line).replayed]);
  const hash = createHash('sha256').update(key).digest('hex').slice(0, 12);
  const askedFor = (extra: Line) => ({ taskId: TASKS.app1.taskId, items: {}, ...extra });
  assert.deepEqual(asked, [
    [askedFor({ callbackUrl: `${hooks}qlik`, idempotencyKeyHash: hash }), undefined],
    [askedFor({ callbackUrl: `${hooks}qlik`, idempotencyKeyHash: hash }), true],
    [askedFor({ callbackUrl: '(not an http or https URL)' }), undefined],
    [askedFor({}), undefined],
  ]);
  for (const secret of [key, 's3cret']) assert.ok(!h.logLines().some((line) => line.includes(secret)), `${secret} was logged`);
});
