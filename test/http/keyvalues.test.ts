/**
 * The key-value HTTP API over a real socket, run once per backend the service can use on its
 * own: memory, and SQLite (the default) on a real file. Backend failures are tested on the
 * backends that can fail: SQLite (a lock held by another process) and Redis (stopped).
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it, type TestContext } from 'node:test';
import KeyvSqlite from '@keyv/sqlite';
import type { FastifyInstance } from 'fastify';
import winston from 'winston';
import type { KeyValueStoreSettings } from '../../src/config/settings.js';
import { createKvStore } from '../../src/kvstore/index.js';
import type { KvStore } from '../../src/kvstore/types.js';
import { buildTestApp, listen, testSettings, type DeepPartial } from '../helpers/app.js';
import { startRedis } from '../helpers/redis.js';

const silent = winston.createLogger({ silent: true });

interface Answer {
  status: number;
  contentType: string | null;
  body: unknown;
}

interface Backend {
  name: 'memory' | 'sqlite';
  /** The store settings for one test; files it makes are removed by `t.after`. */
  settings(t: TestContext): Promise<DeepPartial<KeyValueStoreSettings>>;
}

async function sqliteFile(t: TestContext): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'stg-http-kv-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  return join(dir, 'keyvalues.sqlite');
}

const BACKENDS: Backend[] = [
  { name: 'memory', settings: async () => ({ backend: 'memory' }) },
  { name: 'sqlite', settings: async (t) => ({ backend: 'sqlite', sqlite: { path: await sqliteFile(t) } }) },
];

/** A connection of its own to a SQLite file, the way another process would open it. */
function sqliteConnection(t: TestContext, path: string): KeyvSqlite {
  const connection = new KeyvSqlite({ uri: `sqlite://${path}`, table: 'kv_values' });
  t.after(() => connection.disconnect());
  return connection;
}

/** A running app with a real store behind a real socket (method override needs one). */
async function serve(
  t: TestContext,
  options: { backend?: Backend; store?: DeepPartial<KeyValueStoreSettings>; now?: () => number; kv?: KvStore | null } = {},
): Promise<{
  app: FastifyInstance;
  kv: KvStore | null;
  settings: KeyValueStoreSettings;
  call: (method: string, path: string, body?: unknown, headers?: Record<string, string>) => Promise<Answer>;
}> {
  const backendSettings = options.backend ? await options.backend.settings(t) : { backend: 'memory' as const };
  const settings = testSettings({ keyValueStore: { ...backendSettings, ...options.store } });
  let kv = options.kv;
  if (kv === undefined) {
    const store = await createKvStore(settings.keyValueStore, { logger: silent, now: options.now });
    t.after(() => store.close());
    kv = store;
  }
  const app = await buildTestApp({ settings, kv });
  t.after(() => app.close());
  const base = await listen(app);
  const call = async (method: string, path: string, body?: unknown, headers: Record<string, string> = {}) => {
    const response = await fetch(`${base}${path}`, {
      method,
      headers: body === undefined ? headers : { 'content-type': 'application/json', ...headers },
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    });
    const text = await response.text();
    return { status: response.status, contentType: response.headers.get('content-type'), body: text === '' ? undefined : JSON.parse(text) };
  };
  return { app, kv, settings: settings.keyValueStore, call };
}

function assertError(answer: Answer, status: number, code: string, message?: RegExp): void {
  assert.equal(answer.status, status, JSON.stringify(answer.body));
  const body = answer.body as { statusCode: number; code: string; message: string };
  assert.equal(body.statusCode, status);
  assert.equal(body.code, code);
  if (message) assert.match(body.message, message);
}

for (const backend of BACKENDS) describe(`key-value endpoints (${backend.name} backend)`, () => {
  it('store, read, probe, list and delete pairs like Butler', async (t) => {
    const { call } = await serve(t, { backend });
    const created = await call('POST', '/v4/keyvalues/MyFineNamespace', { key: 'AnImportantKey', value: 'TheValue', ttl: 60000 });
    assert.equal(created.status, 201);
    assert.deepEqual(created.body, { namespace: 'MyFineNamespace', key: 'AnImportantKey', value: 'TheValue', ttl: 60000 });
    await call('POST', '/v4/keyvalues/MyFineNamespace', { key: 'Other', value: 'x' });

    assert.deepEqual((await call('GET', '/v4/keyvaluesnamespaces')).body, ['MyFineNamespace']);
    const read = await call('GET', '/v4/keyvalues/MyFineNamespace?key=AnImportantKey');
    assert.equal(read.status, 200);
    assert.deepEqual(read.body, { namespace: 'MyFineNamespace', key: 'AnImportantKey', value: 'TheValue' });
    assert.deepEqual((await call('GET', '/v4/keyvalues/MyFineNamespace/keyexists?key=AnImportantKey')).body, {
      keyExists: true,
      keyValue: { namespace: 'MyFineNamespace', key: 'AnImportantKey', value: 'TheValue' },
    });
    assert.deepEqual((await call('GET', '/v4/keyvalues/MyFineNamespace/keyexists?key=Nope')).body, { keyExists: false, keyValue: {} });

    const list = await call('GET', '/v4/keylist/MyFineNamespace');
    assert.equal(list.status, 200);
    assert.match(list.contentType ?? '', /^application\/json/);
    assert.deepEqual(list.body, { namespace: 'MyFineNamespace', keys: [{ key: 'AnImportantKey' }, { key: 'Other' }] });

    const deleted = await call('DELETE', '/v4/keyvalues/MyFineNamespace/AnImportantKey');
    assert.equal(deleted.status, 204);
    assert.equal(deleted.body, undefined);
    assertError(await call('GET', '/v4/keyvalues/MyFineNamespace?key=AnImportantKey'), 404, 'ERR_KV_NOT_FOUND', /key "AnImportantKey" not found in namespace "MyFineNamespace"/);
    assertError(await call('DELETE', '/v4/keyvalues/MyFineNamespace/AnImportantKey'), 404, 'ERR_KV_NOT_FOUND');

    assert.equal((await call('DELETE', '/v4/keyvalues/MyFineNamespace')).status, 204);
    assertError(await call('DELETE', '/v4/keyvalues/MyFineNamespace'), 404, 'ERR_KV_NOT_FOUND', /namespace "MyFineNamespace" not found/);
    assert.deepEqual((await call('GET', '/v4/keyvaluesnamespaces')).body, []);
  });

  it('answers 404 for a missing namespace, except for keyexists', async (t) => {
    const { call } = await serve(t, { backend });
    assertError(await call('GET', '/v4/keyvalues/nowhere?key=k'), 404, 'ERR_KV_NOT_FOUND', /namespace "nowhere" not found/);
    assertError(await call('GET', '/v4/keylist/nowhere'), 404, 'ERR_KV_NOT_FOUND');
    assertError(await call('DELETE', '/v4/keyvalues/nowhere/k'), 404, 'ERR_KV_NOT_FOUND', /namespace "nowhere" not found/);
    const probe = await call('GET', '/v4/keyvalues/nowhere/keyexists?key=k');
    assert.equal(probe.status, 200);
    assert.deepEqual(probe.body, { keyExists: false, keyValue: {} });
  });

  it('takes what load scripts send: numeric-string TTLs, "" TTLs, empty values, encoded namespaces', async (t) => {
    const { call } = await serve(t, { backend });
    const namespace = 'Sales app: 2024/Q1';
    const path = `/v4/keyvalues/${encodeURIComponent(namespace)}`;
    const withTtl = await call('POST', path, '{"key":"lastReload","value":"2024-03-31","ttl":"5000"}');
    assert.equal(withTtl.status, 201);
    assert.deepEqual(withTtl.body, { namespace, key: 'lastReload', value: '2024-03-31', ttl: 5000 });
    const noTtl = await call('POST', path, '{"key":"empty","value":"","ttl":""}');
    assert.equal(noTtl.status, 201);
    assert.deepEqual(noTtl.body, { namespace, key: 'empty', value: '', ttl: 0 });

    assert.deepEqual((await call('GET', `${path}?key=empty`)).body, { namespace, key: 'empty', value: '' });
    assert.deepEqual((await call('GET', `/v4/keylist/${encodeURIComponent(namespace)}`)).body, {
      namespace,
      keys: [{ key: 'empty' }, { key: 'lastReload' }],
    });
    assert.deepEqual((await call('GET', '/v4/keyvaluesnamespaces')).body, [namespace]);
  });

  it('deletes through POST with X-HTTP-Method-Override: DELETE', async (t) => {
    const { call } = await serve(t, { backend });
    await call('POST', '/v4/keyvalues/ns', { key: 'a', value: '1' });
    await call('POST', '/v4/keyvalues/ns', { key: 'b', value: '2' });
    const override = { 'X-HTTP-Method-Override': 'DELETE' };

    assert.equal((await call('POST', '/v4/keyvalues/ns/a', undefined, override)).status, 204);
    assertError(await call('POST', '/v4/keyvalues/ns/a', undefined, override), 404, 'ERR_KV_NOT_FOUND');
    assert.deepEqual((await call('GET', '/v4/keylist/ns')).body, { namespace: 'ns', keys: [{ key: 'b' }] });
    assert.equal((await call('POST', '/v4/keyvalues/ns', undefined, override)).status, 204);
    assertError(await call('GET', '/v4/keylist/ns'), 404, 'ERR_KV_NOT_FOUND');
  });

  it('refuses bad input with 400 naming the field', async (t) => {
    const { call } = await serve(t, { backend });
    assertError(await call('GET', '/v4/keyvalues/ns'), 400, 'FST_ERR_VALIDATION', /key/);
    assertError(await call('GET', '/v4/keyvalues/ns/keyexists'), 400, 'FST_ERR_VALIDATION', /key/);
    assertError(await call('POST', '/v4/keyvalues/ns', { key: 'k' }), 400, 'FST_ERR_VALIDATION', /value/);
    assertError(await call('POST', '/v4/keyvalues/ns', { key: 'k', value: null }), 400, 'ERR_BAD_REQUEST', /value/);
    assertError(await call('POST', '/v4/keyvalues/ns', { key: '', value: 'v' }), 400, 'FST_ERR_VALIDATION', /key/);
    assertError(await call('POST', '/v4/keyvalues/ns', { value: 'v' }), 400, 'FST_ERR_VALIDATION', /key/);
    assertError(await call('POST', '/v4/keyvalues/ns', ''), 400, 'FST_ERR_VALIDATION');
    for (const ttl of ['soon', '1.5', -1, '0x10', '1e3', 2.5]) {
      assertError(await call('POST', '/v4/keyvalues/ns', { key: 'k', value: 'v', ttl }), 400, 'ERR_BAD_REQUEST', /^body\.ttl must .+ \(got .+\)$/);
    }
    assert.deepEqual((await call('GET', '/v4/keyvaluesnamespaces')).body, []);
  });

  it('says what was wrong in one shape: <location> must <rule> (got <what was sent>)', async (t) => {
    const { call } = await serve(t, { backend });
    const refused = async (method: string, path: string, body: unknown, code: string, message: string) => {
      const answer = await call(method, path, body);
      assertError(answer, 400, code);
      assert.equal((answer.body as { message: string }).message, message);
    };
    await refused('POST', '/v4/keyvalues/ns', { key: 'k', value: null }, 'ERR_BAD_REQUEST', 'body.value must be a string (got null)');
    await refused('POST', '/v4/keyvalues/ns', { key: 'k', value: 'v', ttl: -1 }, 'ERR_BAD_REQUEST', 'body.ttl must be 0 or more (got -1)');
    await refused('POST', '/v4/keyvalues/ns', { key: 'k', value: 'v', ttl: '-60000' }, 'ERR_BAD_REQUEST', 'body.ttl must be 0 or more (got "-60000")');
    await refused('POST', '/v4/keyvalues/ns', { key: 'k', value: 'v', ttl: 'soon' }, 'ERR_BAD_REQUEST', 'body.ttl must be a whole number of milliseconds (got "soon")');
    await refused('POST', '/v4/keyvalues/ns', { key: 'k', value: {} }, 'FST_ERR_VALIDATION', 'body.value must be a string (got an object)');
    await refused('POST', '/v4/keyvalues/ns', { key: '', value: 'v' }, 'FST_ERR_VALIDATION', 'body.key must not be empty (got "")');
    await refused('POST', '/v4/keyvalues/ns', { value: 'v' }, 'FST_ERR_VALIDATION', 'body.key must be present (got undefined)');
    await refused('POST', '/v4/keyvalues/ns', [1], 'FST_ERR_VALIDATION', 'body must be an object (got an array)');
    await refused('GET', '/v4/keyvalues/ns', undefined, 'FST_ERR_VALIDATION', 'query.key must be present (got undefined)');
    await refused('GET', '/v4/keyvalues/ns?key=', undefined, 'FST_ERR_VALIDATION', 'query.key must not be empty (got "")');
    assert.deepEqual((await call('GET', '/v4/keyvaluesnamespaces')).body, []);
  });

  it('answers 409 at the count limits and 413 for an oversized value', async (t) => {
    const { call } = await serve(t, { backend, store: { maxKeysPerNamespace: 2, maxNamespaces: 2, maxValueLength: 5 } });
    await call('POST', '/v4/keyvalues/one', { key: 'a', value: '1' });
    await call('POST', '/v4/keyvalues/one', { key: 'b', value: '2' });
    assertError(await call('POST', '/v4/keyvalues/one', { key: 'c', value: '3' }), 409, 'ERR_KV_LIMIT', /Butler\.keyValueStore\.maxKeysPerNamespace/);
    assert.equal((await call('POST', '/v4/keyvalues/one', { key: 'a', value: 'again' })).status, 201);
    await call('POST', '/v4/keyvalues/two', { key: 'a', value: '1' });
    assertError(await call('POST', '/v4/keyvalues/three', { key: 'a', value: '1' }), 409, 'ERR_KV_LIMIT', /Butler\.keyValueStore\.maxNamespaces/);
    assertError(await call('POST', '/v4/keyvalues/one', { key: 'a', value: '123456' }), 413, 'ERR_KV_LIMIT', /maxValueLength/);
    assert.deepEqual((await call('GET', '/v4/keyvalues/one?key=a')).body, { namespace: 'one', key: 'a', value: 'again' });
  });

  it('forgets a pair once its TTL has passed', async (t) => {
    let now = Date.now();
    const { call } = await serve(t, { backend, now: () => now });
    await call('POST', '/v4/keyvalues/ns', { key: 'k', value: 'v', ttl: '60000' });
    now += 59_999;
    assert.equal((await call('GET', '/v4/keyvalues/ns?key=k')).status, 200);
    now += 1;
    assertError(await call('GET', '/v4/keyvalues/ns?key=k'), 404, 'ERR_KV_NOT_FOUND');
    assert.deepEqual((await call('GET', '/v4/keyvalues/ns/keyexists?key=k')).body, { keyExists: false, keyValue: {} });
    assert.deepEqual((await call('GET', '/v4/keyvaluesnamespaces')).body, []);
  });

  it('stores a numeric value as a string', async (t) => {
    const { call } = await serve(t, { backend });
    const created = await call('POST', '/v4/keyvalues/numbers', '{"key":"count","value":42}');
    assert.equal(created.status, 201);
    assert.deepEqual(created.body, { namespace: 'numbers', key: 'count', value: '42', ttl: 0 });
    const fraction = await call('POST', '/v4/keyvalues/numbers', '{"key":"ratio","value":0.5}');
    assert.deepEqual(fraction.body, { namespace: 'numbers', key: 'ratio', value: '0.5', ttl: 0 });

    const read = await call('GET', '/v4/keyvalues/numbers?key=count');
    assert.deepEqual(read.body, { namespace: 'numbers', key: 'count', value: '42' });
    assert.equal(typeof (read.body as { value: unknown }).value, 'string');
    assert.deepEqual((await call('GET', '/v4/keyvalues/numbers/keyexists?key=ratio')).body, {
      keyExists: true,
      keyValue: { namespace: 'numbers', key: 'ratio', value: '0.5' },
    });
  });

  it('answers 201 only once the pair is stored: a store opened next to it reads it at once', async (t) => {
    const { call, kv, settings } = await serve(t, { backend });
    assert.ok(kv);
    // SQLite: a second store on the same file, as another process would open it.
    const reader = settings.backend === 'sqlite' ? await createKvStore(settings, { logger: silent }) : kv;
    if (reader !== kv) t.after(() => reader.close());
    for (let i = 0; i < 20; i++) {
      const created = await call('POST', '/v4/keyvalues/durable', { key: `k${i}`, value: `v${i}`, ttl: 60_000 });
      assert.equal(created.status, 201);
      assert.equal((await reader.get('durable', `k${i}`))?.value, `v${i}`, `k${i} answered 201 before it was stored`);
    }
  });

  it('documents all seven operations in the OpenAPI document', async (t) => {
    const { app } = await serve(t, { backend });
    const response = await app.inject({ method: 'GET', url: '/documentation/json' });
    const paths = (response.json() as { paths: Record<string, Record<string, { tags?: string[] }>> }).paths;
    const operations = Object.entries(paths)
      .flatMap(([path, methods]) => Object.entries(methods).map(([method, operation]) => ({ path, method, operation })))
      .filter(({ operation }) => operation.tags?.includes('Key-value store'))
      .map(({ method, path }) => `${method.toUpperCase()} ${path}`)
      .sort();
    assert.deepEqual(operations, [
      'DELETE /v4/keyvalues/{namespace}',
      'DELETE /v4/keyvalues/{namespace}/{key}',
      'GET /v4/keylist/{namespace}',
      'GET /v4/keyvalues/{namespace}',
      'GET /v4/keyvalues/{namespace}/keyexists',
      'GET /v4/keyvaluesnamespaces',
      'POST /v4/keyvalues/{namespace}',
    ]);
  });
});

describe('key-value endpoints without a working backend', () => {
  it('answers 503 ERR_KV_DISABLED on every endpoint when the store is disabled', async (t) => {
    const { call } = await serve(t, { kv: null });
    const requests: Array<[string, string, unknown?]> = [
      ['GET', '/v4/keyvaluesnamespaces'],
      ['GET', '/v4/keyvalues/ns?key=k'],
      ['GET', '/v4/keyvalues/ns/keyexists?key=k'],
      ['POST', '/v4/keyvalues/ns', { key: 'k', value: 'v' }],
      ['DELETE', '/v4/keyvalues/ns/k'],
      ['DELETE', '/v4/keyvalues/ns'],
      ['GET', '/v4/keylist/ns'],
    ];
    for (const [method, path, body] of requests) {
      assertError(
        await call(method, path, body),
        503,
        'ERR_KV_DISABLED',
        /^key-value store is disabled \(Butler\.keyValueStore\.enable is false\)$/,
      );
    }
  });

  it('answers 503 ERR_KV_UNAVAILABLE when the backend fails, while the rest keeps working', async (t) => {
    const redis = await startRedis();
    t.after(() => redis.stop());
    const store = await createKvStore(
      { ...testSettings().keyValueStore, backend: 'redis', redis: { url: redis.url, keyPrefix: 'http-test' } },
      { logger: silent },
    );
    t.after(() => store.close());
    const { call } = await serve(t, { kv: store });
    assert.equal((await call('POST', '/v4/keyvalues/ns', { key: 'k', value: 'v' })).status, 201);

    await redis.stop();
    assertError(await call('POST', '/v4/keyvalues/ns', { key: 'k', value: 'v' }), 503, 'ERR_KV_UNAVAILABLE', /key-value backend \(redis\) failed/);
    assertError(await call('GET', '/v4/keyvalues/ns?key=k'), 503, 'ERR_KV_UNAVAILABLE');
    assertError(await call('GET', '/v4/keyvaluesnamespaces'), 503, 'ERR_KV_UNAVAILABLE');
    const ping = await call('GET', '/v4/butlerping');
    assert.equal(ping.status, 200);
  });

  it('answers 503 ERR_KV_UNAVAILABLE when SQLite cannot commit, never 201; reads go on; writes work again after', async (t) => {
    const path = await sqliteFile(t);
    const { call } = await serve(t, { backend: BACKENDS.find((backend) => backend.name === 'sqlite'), store: { sqlite: { path } } });
    assert.equal((await call('POST', '/v4/keyvalues/ns', { key: 'k', value: 'before' })).status, 201);

    // Another process holds the write lock (a backup tool, a second service on the same
    // file): the service's write waits its busy timeout (5 s), then fails.
    const other = sqliteConnection(t, path);
    await other.query('BEGIN EXCLUSIVE');
    assertError(
      await call('POST', '/v4/keyvalues/ns', { key: 'k', value: 'during' }),
      503,
      'ERR_KV_UNAVAILABLE',
      /key-value backend \(sqlite\) failed/,
    );
    assertError(await call('POST', '/v4/keyvalues/ns', { key: 'new', value: 'during' }), 503, 'ERR_KV_UNAVAILABLE');
    assert.deepEqual((await call('GET', '/v4/keyvalues/ns?key=k')).body, { namespace: 'ns', key: 'k', value: 'before' }, 'WAL: reads go on');
    assert.equal((await call('GET', '/v4/butlerping')).status, 200);

    await other.query('ROLLBACK');
    assertError(await call('GET', '/v4/keyvalues/ns?key=new'), 404, 'ERR_KV_NOT_FOUND', /key "new" not found/);
    assert.deepEqual((await call('GET', '/v4/keyvalues/ns?key=k')).body, { namespace: 'ns', key: 'k', value: 'before' }, 'nothing of the refused writes stored');
    assert.equal((await call('POST', '/v4/keyvalues/ns', { key: 'k', value: 'after' })).status, 201, 'no restart needed');
    assert.deepEqual((await call('GET', '/v4/keyvalues/ns?key=k')).body, { namespace: 'ns', key: 'k', value: 'after' });
  });
});
