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
  { name: 'a URL task ID too long even for the router', path: `/v4/reloadtask/${'a'.repeat(101)}/start`, body: [], status: 414 },
  { name: 'a namespace too long even for the router', method: 'GET', path: `/v4/keylist/${'n'.repeat(101)}`, status: 414 },
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
