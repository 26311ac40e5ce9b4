/**
 * Caller authentication end to end: real HTTP, the real QRS client over mutual TLS to the
 * simulator, a real key-value store. Every refused request is checked to have started
 * nothing, asked QRS nothing and written nothing; the same requests with the right key
 * then do their work, which proves the checks could have seen it.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import type { ApiScope } from '../../src/config/settings.js';
import { loadSettings } from '../../src/config/index.js';
import { call, startedIds, startHarness, TASKS, type Harness } from '../starttask/harness.js';
import { apiKeyHeader, AUTH_ON, bearer, KEYS, SCOPES_OF, sha256Hex, type KeyName } from '../helpers/api-keys.js';

const { app1, app2 } = TASKS;
const SEEDED = 'seeded';

interface Endpoint {
  name: string;
  method: string;
  path: string;
  body?: unknown;
  headers?: Record<string, string>;
  scope: ApiScope;
  /** Status when the caller may call it (after the seed below). */
  allowed: number;
}

const startId = (taskId: string) => ({ type: 'starttaskid', payload: { taskId } });

/** Every scoped endpoint, including the verbs load scripts send as a POST with an override. */
const ENDPOINTS: Endpoint[] = [
  { name: 'start by PUT', method: 'PUT', path: `/v4/reloadtask/${app1.taskId}/start`, body: [], scope: 'startTask', allowed: 200 },
  {
    name: 'start by POST with a pair',
    method: 'POST',
    path: '/v4/reloadtask/-/start',
    body: [startId(app2.taskId), { type: 'keyvaluestore', payload: { namespace: 'from-start', key: 'k', value: 'v' } }],
    scope: 'startTask',
    allowed: 200,
  },
  { name: 'list namespaces', method: 'GET', path: '/v4/keyvaluesnamespaces', scope: 'kvRead', allowed: 200 },
  { name: 'get a value', method: 'GET', path: `/v4/keyvalues/${SEEDED}?key=a`, scope: 'kvRead', allowed: 200 },
  { name: 'key exists', method: 'GET', path: `/v4/keyvalues/${SEEDED}/keyexists?key=a`, scope: 'kvRead', allowed: 200 },
  { name: 'list keys', method: 'GET', path: `/v4/keylist/${SEEDED}`, scope: 'kvRead', allowed: 200 },
  { name: 'set a pair', method: 'POST', path: '/v4/keyvalues/written', body: { key: 'k', value: 'v' }, scope: 'kvWrite', allowed: 201 },
  { name: 'delete a key', method: 'DELETE', path: `/v4/keyvalues/${SEEDED}/a`, scope: 'kvWrite', allowed: 204 },
  {
    name: 'delete a namespace (POST + override)',
    method: 'POST',
    path: `/v4/keyvalues/${SEEDED}`,
    headers: { 'x-http-method-override': 'DELETE' },
    scope: 'kvWrite',
    allowed: 204,
  },
  { name: 'list enabled endpoints', method: 'GET', path: '/v4/configfile/endpointsenabled', scope: 'admin', allowed: 200 },
];

const BAD_CREDENTIALS: { name: string; headers: Record<string, string>; message: RegExp }[] = [
  { name: 'no key', headers: {}, message: /an API key is required/ },
  { name: 'an unknown key (Bearer)', headers: bearer('stg-test-key-unknown-00000000'), message: /not valid/ },
  { name: 'an unknown key (X-API-Key)', headers: apiKeyHeader('stg-test-key-unknown-00000000'), message: /not valid/ },
  { name: 'a key one character short', headers: bearer(KEYS.admin.slice(0, -1)), message: /not valid/ },
  { name: 'a key in other case', headers: bearer(KEYS.admin.toUpperCase()), message: /not valid/ },
  { name: 'Basic credentials', headers: { authorization: `Basic ${Buffer.from(`admin:${KEYS.admin}`).toString('base64')}` }, message: /Bearer/ },
  { name: 'two different keys', headers: { ...bearer(KEYS.admin), ...apiKeyHeader(KEYS.starter) }, message: /different keys/ },
  { name: 'an empty Bearer', headers: { authorization: 'Bearer ' }, message: /Bearer/ },
];

async function seed(h: Harness): Promise<void> {
  await h.kv!.set(SEEDED, 'a', 'seed-a', 0);
  await h.kv!.set(SEEDED, 'b', 'seed-b', 0);
}

function request(h: Harness, endpoint: Endpoint, headers: Record<string, string>) {
  return call(h.base, endpoint.path, {
    method: endpoint.method,
    ...(endpoint.body === undefined ? {} : { body: endpoint.body }),
    headers: { ...endpoint.headers, ...headers },
  });
}

async function assertNothingHappened(h: Harness): Promise<void> {
  assert.equal(h.sim.stats.requestCount(), 0, 'QRS was asked something');
  assert.deepEqual(startedIds(h.sim), []);
  assert.deepEqual(await h.kv!.listNamespaces(), [SEEDED]);
  assert.deepEqual(await h.kv!.listKeys(SEEDED), ['a', 'b']);
  assert.equal((await h.kv!.get(SEEDED, 'a'))?.value, 'seed-a');
}

test('auth matrix: no key, bad keys and each scope against each endpoint; refusals do nothing', async (t) => {
  const h = await startHarness(t, { settings: { server: { auth: AUTH_ON } } });
  await seed(h);

  for (const endpoint of ENDPOINTS) {
    for (const credentials of BAD_CREDENTIALS) {
      const answer = await request(h, endpoint, credentials.headers);
      const what = `${endpoint.name} with ${credentials.name}`;
      assert.equal(answer.status, 401, what);
      assert.match(answer.contentType, /^application\/json/, what);
      const body = answer.body as { statusCode: number; error: string; code: string; message: string };
      assert.deepEqual([body.statusCode, body.error, body.code], [401, 'Unauthorized', 'ERR_UNAUTHORIZED'], what);
      assert.match(body.message, credentials.message, what);
    }
    for (const keyName of Object.keys(KEYS) as KeyName[]) {
      if (SCOPES_OF[keyName].includes(endpoint.scope) || SCOPES_OF[keyName].includes('admin')) continue;
      const answer = await request(h, endpoint, bearer(KEYS[keyName]));
      const what = `${endpoint.name} with the ${keyName} key`;
      assert.equal(answer.status, 403, what);
      const body = answer.body as { code: string; message: string };
      assert.equal(body.code, 'ERR_FORBIDDEN', what);
      assert.match(body.message, new RegExp(`API key "${keyName}" does not have the "${endpoint.scope}" scope`), what);
    }
  }
  await assertNothingHappened(h);

  // The key with the scope, alternating the two headers: every endpoint does its work.
  const keyFor = (scope: ApiScope): string => KEYS[(Object.keys(KEYS) as KeyName[]).find((name) => SCOPES_OF[name].includes(scope))!];
  for (const [index, endpoint] of ENDPOINTS.entries()) {
    const key = keyFor(endpoint.scope);
    const answer = await request(h, endpoint, index % 2 === 0 ? bearer(key) : apiKeyHeader(key));
    assert.equal(answer.status, endpoint.allowed, `${endpoint.name}: ${JSON.stringify(answer.body)}`);
  }
  assert.deepEqual(startedIds(h.sim), [app1.taskId, app2.taskId].sort());
  assert.deepEqual(await h.kv!.listNamespaces(), ['from-start', 'written']);
});

test('an admin key may call every endpoint', async (t) => {
  const h = await startHarness(t, { settings: { server: { auth: AUTH_ON } } });
  await seed(h);
  for (const endpoint of ENDPOINTS) {
    const answer = await request(h, endpoint, apiKeyHeader(KEYS.admin));
    assert.equal(answer.status, endpoint.allowed, `${endpoint.name}: ${JSON.stringify(answer.body)}`);
  }
  assert.equal(startedIds(h.sim).length, 2);
});

test('a 401 says how to send a key and carries WWW-Authenticate; Bearer is case-insensitive; both headers may agree', async (t) => {
  const h = await startHarness(t, { settings: { server: { auth: AUTH_ON } } });
  const res = await fetch(`${h.base}/v4/keyvaluesnamespaces`);
  assert.equal(res.status, 401);
  assert.equal(res.headers.get('www-authenticate'), 'Bearer realm="sense-task-gateway"');
  await res.text();
  for (const headers of [
    { authorization: `bearer ${KEYS.reader}` },
    { authorization: `BEARER ${KEYS.reader}` },
    { ...bearer(KEYS.reader), ...apiKeyHeader(KEYS.reader) },
  ]) {
    const answer = await call(h.base, '/v4/keyvaluesnamespaces', { method: 'GET', headers });
    assert.equal(answer.status, 200, JSON.stringify(headers));
  }
  const inQuery = await call(h.base, `/v4/keyvaluesnamespaces?apiKey=${KEYS.reader}`, { method: 'GET' });
  assert.equal(inQuery.status, 401, 'keys in the query string are not accepted');
});

test('a key given as sha256:<hex> in the config file is accepted, as is a plain one', async (t) => {
  const dir = mkdtempSync(path.join(tmpdir(), 'stg-auth-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const file = path.join(dir, 'config.yaml');
  writeFileSync(
    file,
    [
      'Butler:',
      '  restServerConfig:',
      '    auth:',
      '      enable: true',
      '      apiKeys:',
      '        - name: hashed-reader',
      `          key: sha256:${sha256Hex(KEYS.reader).toUpperCase()}`,
      '          scopes: [kvRead]',
      '        - name: plain-writer',
      `          key: ${KEYS.writer}`,
      '          scopes: [kvWrite]',
    ].join('\n'),
  );
  const { auth } = loadSettings(file, { env: {} }).server;
  assert.deepEqual(
    auth.apiKeys.map((key) => [key.name, key.sha256]),
    [
      ['hashed-reader', sha256Hex(KEYS.reader)],
      ['plain-writer', sha256Hex(KEYS.writer)],
    ],
    'settings keep only digests',
  );
  const h = await startHarness(t, { settings: { server: { auth } } });
  const read = await call(h.base, '/v4/keyvaluesnamespaces', { method: 'GET', headers: bearer(KEYS.reader) });
  assert.equal(read.status, 200);
  const write = await call(h.base, '/v4/keyvalues/ns', { method: 'POST', body: { key: 'k', value: 'v' }, headers: apiKeyHeader(KEYS.writer) });
  assert.equal(write.status, 201);
  const digestAsKey = await call(h.base, '/v4/keyvaluesnamespaces', { method: 'GET', headers: bearer(sha256Hex(KEYS.reader)) });
  assert.equal(digestAsKey.status, 401, 'the digest itself is not a key');
  const wrongScope = await call(h.base, '/v4/keyvaluesnamespaces', { method: 'GET', headers: bearer(KEYS.writer) });
  assert.equal(wrongScope.status, 403);
});

test('open endpoints answer without a key; with openEndpoints empty they need one (any scope)', async (t) => {
  const open = await startHarness(t, { settings: { server: { auth: AUTH_ON } } });
  for (const path of ['/health', '/ready', '/v4/butlerping', '/documentation/', '/documentation/json']) {
    const res = await fetch(`${open.base}${path}`);
    assert.equal(res.status, 200, path);
    await res.text();
  }
  const closed = await startHarness(t, { settings: { server: { auth: { ...AUTH_ON, openEndpoints: [] } } } });
  for (const path of ['/health', '/ready', '/v4/butlerping', '/documentation/', '/documentation/json']) {
    const anonymous = await fetch(`${closed.base}${path}`);
    assert.equal(anonymous.status, 401, path);
    await anonymous.text();
    const withKey = await fetch(`${closed.base}${path}`, { headers: bearer(KEYS.reader) });
    assert.equal(withKey.status, 200, path);
    await withKey.text();
  }
});

test('unknown routes: 401 without a key (the API surface is not revealed), 404 with any valid key', async (t) => {
  const h = await startHarness(t, { settings: { server: { auth: AUTH_ON }, endpoints: { butlerping: false } } });
  for (const [method, path] of [
    ['GET', '/nope'],
    ['GET', '/v4/butlerping'],
    ['PATCH', '/v4/keyvalues/ns'],
    ['OPTIONS', '/v4/keyvaluesnamespaces'],
  ] as const) {
    const anonymous = await call(h.base, path, { method });
    assert.equal(anonymous.status, 401, `${method} ${path}`);
    const withKey = await call(h.base, path, { method, headers: bearer(KEYS.starter) });
    assert.equal(withKey.status, 404, `${method} ${path}`);
  }
});

test("every log line of a request names its caller's key, never the key", async (t) => {
  const h = await startHarness(t, { settings: { server: { auth: AUTH_ON } } });
  await call(h.base, `/v4/reloadtask/${app1.taskId}/start`, { body: [], headers: bearer(KEYS.starter) });
  await call(h.base, '/v4/keyvalues/ns', { method: 'POST', body: { key: 'k', value: 'v' }, headers: bearer(KEYS.reader) });
  await call(h.base, '/v4/keyvaluesnamespaces', { method: 'GET', headers: bearer('stg-test-key-unknown-00000000') });
  const byRequest = new Map<string, Record<string, unknown>[]>();
  for (const line of h.logLines()) {
    const entry = JSON.parse(line) as Record<string, unknown>;
    if (typeof entry.reqId !== 'string') continue;
    byRequest.set(entry.reqId, [...(byRequest.get(entry.reqId) ?? []), entry]);
  }
  const callers = [...byRequest.values()].map((entries) => [...new Set(entries.map((entry) => entry.caller))]);
  assert.deepEqual(callers, [['starter'], ['reader'], ['anonymous']]);
  assert.ok(byRequest.get('req-1')!.length >= 3, 'start request: started, summary, request and audit lines');
  const text = h.logLines().join('\n');
  for (const key of Object.values(KEYS)) assert.ok(!text.includes(key));
});

test('with auth off (the default) nothing needs a key, and keys sent anyway are ignored', async (t) => {
  const h = await startHarness(t);
  await seed(h);
  const answer = await call(h.base, '/v4/keyvaluesnamespaces', { method: 'GET' });
  assert.equal(answer.status, 200);
  const bad = await call(h.base, '/v4/keyvaluesnamespaces', { method: 'GET', headers: bearer('stg-test-key-unknown-00000000') });
  assert.equal(bad.status, 200);
  assert.ok(h.logLines().some((line) => line.includes('"caller":"anonymous"')));
});
