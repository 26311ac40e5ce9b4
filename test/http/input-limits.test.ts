/**
 * Every input limit, end to end over real HTTP with the real QRS client and store: each is
 * answered with a 4xx before any work (QRS is not asked, nothing is written or started),
 * and a value exactly at its limit is still accepted.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { call, startedIds, startHarness, TASKS, type Harness } from '../starttask/harness.js';

const LIMITS = {
  server: { bodyLimitBytes: 2048 },
  startTask: { maxItems: 3, maxFieldLength: 40 },
  keyValueStore: { maxNamespaceLength: 20, maxKeyLength: 30, maxValueLength: 50 },
};

const pair = (payload: Record<string, unknown>) => ({ type: 'keyvaluestore', payload: { namespace: 'ns', key: 'k', value: 'v', ...payload } });

interface Case {
  name: string;
  method?: string;
  path: string;
  body?: unknown;
  status: number;
  code?: string;
  message?: RegExp;
}

const START = `/v4/reloadtask/${TASKS.app1.taskId}/start`;

const OVER_LIMIT: Case[] = [
  { name: 'a start body over bodyLimit', path: START, body: [pair({ value: 'x'.repeat(3000) })], status: 413, code: 'FST_ERR_CTP_BODY_TOO_LARGE' },
  { name: 'a pair body over bodyLimit', method: 'POST', path: '/v4/keyvalues/ns', body: { key: 'k', value: 'x'.repeat(3000) }, status: 413 },
  { name: 'more items than maxItems', path: START, body: [pair({}), pair({}), pair({}), pair({})], status: 400, message: /at most 3 items \(got 4\)/ },
  { name: 'a URL task ID over maxFieldLength', path: `/v4/reloadtask/${'a'.repeat(41)}/start`, body: [], status: 400, code: 'ERR_INPUT_TOO_LONG', message: /taskId is 41 .* limit is 40 \(Butler\.startTask\.maxFieldLength\)/ },
  { name: 'a URL task ID of 5000 characters', path: `/v4/reloadtask/${'a'.repeat(5000)}/start`, body: [], status: 400, code: 'ERR_INPUT_TOO_LONG', message: /^URL parameter taskId is 5000 characters long; the limit is 40 / },
  { name: 'a namespace of 5000 characters', method: 'GET', path: `/v4/keylist/${'n'.repeat(5000)}`, status: 400, code: 'ERR_KV_LIMIT', message: /namespace is 5000 characters long/ },
  { name: 'an encoded URL task ID one over the limit', path: `/v4/reloadtask/${encodeURIComponent('€'.repeat(41))}/start`, body: [], status: 400, code: 'ERR_INPUT_TOO_LONG' },
  { name: 'a body task ID over maxFieldLength', path: START, body: [{ type: 'starttaskid', payload: { taskId: 'a'.repeat(41) } }], status: 400, message: /maxFieldLength/ },
  { name: 'a tag over maxFieldLength', path: START, body: [{ type: 'starttasktag', payload: { tag: 't'.repeat(41) } }], status: 400, message: /maxFieldLength/ },
  {
    name: 'a custom property value over maxFieldLength',
    path: START,
    body: [{ type: 'starttaskcustomproperty', payload: { customPropertyName: 'taskGroup', customPropertyValue: 'v'.repeat(41) } }],
    status: 400,
    message: /customPropertyValue is 41/,
  },
  { name: 'a start pair namespace over maxNamespaceLength', path: START, body: [pair({ namespace: 'n'.repeat(21) })], status: 400, code: 'ERR_KV_LIMIT' },
  { name: 'a start pair key over maxKeyLength', path: START, body: [pair({ key: 'k'.repeat(31) })], status: 400, code: 'ERR_KV_LIMIT' },
  { name: 'a start pair value over maxValueLength', path: START, body: [pair({ value: 'v'.repeat(51) })], status: 413, code: 'ERR_KV_LIMIT' },
  { name: 'a namespace over maxNamespaceLength', method: 'POST', path: `/v4/keyvalues/${'n'.repeat(21)}`, body: { key: 'k', value: 'v' }, status: 400, code: 'ERR_KV_LIMIT' },
  { name: 'a key over maxKeyLength', method: 'POST', path: '/v4/keyvalues/ns', body: { key: 'k'.repeat(31), value: 'v' }, status: 400, code: 'ERR_KV_LIMIT' },
  { name: 'a value over maxValueLength', method: 'POST', path: '/v4/keyvalues/ns', body: { key: 'k', value: 'v'.repeat(51) }, status: 413, code: 'ERR_KV_LIMIT' },
  { name: 'a read of a namespace over maxNamespaceLength', method: 'GET', path: `/v4/keyvalues/${'n'.repeat(21)}?key=k`, status: 400, code: 'ERR_KV_LIMIT', message: /^URL parameter namespace is 21 characters long; the limit is 20 \(Butler\.keyValueStore\.maxNamespaceLength\)$/ },
  { name: 'a read of a key over maxKeyLength', method: 'GET', path: `/v4/keyvalues/ns?key=${'k'.repeat(31)}`, status: 400, code: 'ERR_KV_LIMIT', message: /^query parameter key is 31 .*maxKeyLength/ },
  { name: 'a keyexists of a key over maxKeyLength', method: 'GET', path: `/v4/keyvalues/ns/keyexists?key=${'k'.repeat(31)}`, status: 400, code: 'ERR_KV_LIMIT' },
  { name: 'a key list of a namespace over maxNamespaceLength', method: 'GET', path: `/v4/keylist/${'n'.repeat(21)}`, status: 400, code: 'ERR_KV_LIMIT' },
  { name: 'a delete of a key over maxKeyLength', method: 'DELETE', path: `/v4/keyvalues/ns/${'k'.repeat(31)}`, status: 400, code: 'ERR_KV_LIMIT', message: /^URL parameter key is 31/ },
];

async function assertNothingDone(h: Harness): Promise<void> {
  assert.equal(h.sim.stats.requestCount(), 0, 'QRS was asked');
  assert.deepEqual(startedIds(h.sim), []);
  assert.deepEqual(await h.kv!.listNamespaces(), []);
}

test('every input limit: a 4xx before any work', async (t) => {
  const h = await startHarness(t, { settings: LIMITS });
  for (const c of OVER_LIMIT) {
    const answer = await call(h.base, c.path, { method: c.method ?? 'PUT', body: c.body });
    assert.equal(answer.status, c.status, `${c.name}: ${JSON.stringify(answer.body)}`);
    const body = answer.body as { statusCode: number; code?: string; message: string };
    assert.equal(body.statusCode, c.status, c.name);
    if (c.code) assert.equal(body.code, c.code, c.name);
    if (c.message) assert.match(body.message, c.message, c.name);
  }
  await assertNothingDone(h);
});

test('an over-long URL is answered like any refusal: JSON under 1 KB, security headers, logged and audited', async (t) => {
  const h = await startHarness(t, { settings: LIMITS });
  const taskId = 'a'.repeat(5000);
  const res = await fetch(`${h.base}/v4/reloadtask/${taskId}/start`, { method: 'PUT' });
  const text = await res.text();
  assert.equal(res.status, 400);
  assert.ok(Buffer.byteLength(text) < 1024, `${Buffer.byteLength(text)} bytes`);
  assert.equal(JSON.parse(text).code, 'ERR_INPUT_TOO_LONG');
  assert.ok(!text.includes(taskId), 'the answer does not echo the URL');
  assert.equal(res.headers.get('x-content-type-options'), 'nosniff');
  assert.ok(res.headers.get('content-security-policy'));
  const lines = h.logLines().map((line) => JSON.parse(line) as Record<string, unknown>);
  assert.ok(lines.some((line) => line.statusCode === 400 && line.method === 'PUT'), 'request log line');
  const audit = lines.find((line) => line.audit === true);
  assert.equal((audit?.outcome as { code?: string } | undefined)?.code, 'ERR_INPUT_TOO_LONG', 'audit line');

  const unknownRoute = await fetch(`${h.base}/v4/${'x'.repeat(5000)}`);
  const notFound = await unknownRoute.text();
  assert.equal(unknownRoute.status, 404);
  assert.ok(Buffer.byteLength(notFound) < 1024, 'a 404 repeats only the start of a long path');
  await assertNothingDone(h);
});

test('values exactly at their limits are accepted', async (t) => {
  const h = await startHarness(t, { settings: LIMITS });
  const atLimit = await call(h.base, `/v4/reloadtask/${'a'.repeat(40)}/start`, { body: [pair({ namespace: 'n'.repeat(20), key: 'k'.repeat(30), value: 'v'.repeat(50) })] });
  assert.equal(atLimit.status, 200, JSON.stringify(atLimit.body));
  const encoded = await call(h.base, `/v4/reloadtask/${encodeURIComponent('€'.repeat(40))}/start`, { body: [] });
  assert.equal(encoded.status, 200, 'percent-encoded, a task ID at the limit still reaches the route');
  assert.deepEqual((encoded.body as { tasksId: { invalid: unknown[] } }).tasksId.invalid, [{ taskId: '€'.repeat(40) }]);
  const kv = await call(h.base, `/v4/keyvalues/${'n'.repeat(20)}`, { method: 'POST', body: { key: 'k'.repeat(30), value: 'v'.repeat(50) } });
  assert.equal(kv.status, 201);
  assert.deepEqual(await h.kv!.listNamespaces(), ['n'.repeat(20)]);
});
