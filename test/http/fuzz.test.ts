/**
 * Property-based hardening: thousands of generated malformed requests (paths, methods,
 * headers, bodies) against the real app with auth on, the real QRS client talking to the
 * simulator and a real store. Whatever arrives: never a 5xx, never a crash, nothing started,
 * nothing written. inject() gives the volume; a few raw malformed requests go over a socket.
 */
import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { after, before, test } from 'node:test';
import fc from 'fast-check';
import type { FastifyInstance } from 'fastify';
import winston from 'winston';
import { createKvStore } from '../../src/kvstore/index.js';
import type { KvStore } from '../../src/kvstore/types.js';
import { createQrsClient } from '../../src/qrs/index.js';
import type { QrsClient } from '../../src/qrs/types.js';
import { TASKS } from '../starttask/harness.js';
import { AUTH_ON, KEYS } from '../helpers/api-keys.js';
import { buildTestApp, listen, testSettings } from '../helpers/app.js';
import { qrsSettingsOf, startTestSimulator, type TestSimulator } from '../helpers/simulator.js';

// Seeded names use characters the generators never produce, so no generated request can touch them.
const SEEDED_NAMESPACE = 'Seeded namespace Ω';
const SEEDED_KEY = 'seeded key Ω';

let simulator: TestSimulator;
let qrs: QrsClient;
let kv: KvStore;
let app: FastifyInstance;
let base: string;
let generated = 0;

before(async () => {
  simulator = await startTestSimulator();
  const settings = testSettings({
    server: { auth: AUTH_ON },
    startTask: { maxItems: 50 },
    qrs: {
      ...qrsSettingsOf(simulator),
      retries: 0,
    },
  });
  const logger = winston.createLogger({ silent: true });
  qrs = createQrsClient(settings.qrs, { logger });
  kv = await createKvStore(settings.keyValueStore, { logger });
  await kv.set(SEEDED_NAMESPACE, SEEDED_KEY, 'seeded value', 0);
  app = await buildTestApp({ settings, qrs, kv });
  base = await listen(app);
});

after(async () => {
  await app.close();
  await kv.close();
  await qrs.close();
  await simulator.close();
});

// ---- generators -------------------------------------------------------------------------

const SAFE = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-._~!$&\'()*+,;=:@';
const safeChar = fc.constantFrom(...SAFE.split(''));
const printable = fc.string({ unit: fc.integer({ min: 0x20, max: 0x7e }).map((code) => String.fromCharCode(code)), maxLength: 80 });

/** A path segment: plain, percent-encoded unicode, broken percent escapes, dot segments, empty. */
const segment = fc.oneof(
  fc.string({ unit: safeChar, maxLength: 30 }),
  fc.string({ maxLength: 20 }).map((text) => encodeURIComponent(text.replace(/[Ω]/g, ''))),
  fc.constantFrom('%', '%zz', '%E0%A4%A', '%00', '%2F', '..', '.', '', '-', '%C0%AE%C0%AE', '%FF%FE'),
  fc.uuid(),
  fc.constant(TASKS.app1.taskId),
  fc.nat({ max: 300 }).map((length) => 'x'.repeat(length)),
);

const ROUTE_SHAPES: [string, string][] = [
  ['/v4/reloadtask/', '/start'],
  ['/v4/keyvalues/', ''],
  ['/v4/keyvalues/', '/keyexists'],
  ['/v4/keylist/', ''],
  ['/v4/keyvaluesnamespaces', ''],
  ['/v4/configfile/endpointsenabled', ''],
  ['/documentation/', ''],
  ['/', ''],
];

const query = fc.oneof(
  fc.constant(''),
  fc.tuple(fc.constantFrom('key', 'allTaskIdsMustExist', 'key[]', '__proto__', 'constructor'), segment).map(([name, value]) => `?${name}=${value}`),
  fc.array(fc.tuple(segment, segment), { maxLength: 4 }).map((pairs) => `?${pairs.map(([a, b]) => `${a}=${b}`).join('&')}`),
);

const path = fc.oneof(
  fc.tuple(fc.constantFrom(...ROUTE_SHAPES), segment, fc.option(segment), query).map(
    ([[prefix, suffix], first, second, q]) => `${prefix}${first}${second === null ? '' : `/${second}`}${suffix}${q}`,
  ),
  fc.array(segment, { maxLength: 6 }).map((segments) => `/${segments.join('/')}`),
);

const credentials = fc.oneof(
  fc.constant({}),
  fc.constantFrom(...Object.values(KEYS)).map((key) => ({ authorization: `Bearer ${key}` })),
  fc.constantFrom(...Object.values(KEYS)).map((key) => ({ 'x-api-key': key })),
  printable.map((value) => ({ authorization: value })),
  printable.map((value) => ({ 'x-api-key': value })),
  printable.map((value) => ({ authorization: `Bearer ${value}`, 'x-api-key': KEYS.admin })),
);

const extraHeaders = fc.record(
  {
    'content-type': fc.oneof(
      fc.constantFrom('application/json', 'application/json; charset=utf-8', 'text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'application/json; charset=utf-16'),
      printable,
    ),
    'x-http-method-override': fc.oneof(fc.constantFrom('PUT', 'DELETE', 'PATCH', 'GET', 'TRACE', 'put', ''), printable),
    'content-encoding': fc.constantFrom('gzip', 'br', 'identity', 'bogus'),
    accept: printable,
    'x-forwarded-for': printable,
  },
  { requiredKeys: [] },
);

/** A number no TTL may be (JSON has no NaN or Infinity: they would arrive as null, which is "no TTL"). */
const fraction = fc.double({ noInteger: true, noNaN: true, noDefaultInfinity: true });

/** A start item broken in one place: wrong types, missing or empty fields, junk beside it. */
const brokenStartItem = fc.oneof(
  fc.record({ type: fc.oneof(printable, fc.integer(), fc.constant(null)), payload: fc.jsonValue() }),
  fc.record({ type: fc.constant('starttaskid'), payload: fc.oneof(fc.record({ taskId: fc.oneof(fc.integer(), fc.constant(null), fc.array(fc.uuid())) }), fc.jsonValue()) }),
  fc.record({ type: fc.constant('starttasktag'), payload: fc.record({ tag: fc.oneof(fc.constant(''), fc.integer(), fc.object()) }) }),
  fc.record({
    type: fc.constant('starttaskcustomproperty'),
    payload: fc.record({ customPropertyName: fc.oneof(fc.constant(''), fc.boolean()), customPropertyValue: printable }, { requiredKeys: [] }),
  }),
  fc.record({
    type: fc.constant('keyvaluestore'),
    payload: fc.oneof(
      fc.record({ namespace: printable, key: printable, value: fc.oneof(fc.integer(), fc.constant(null), fc.object()) }),
      fc.record({ namespace: fc.constant(''), key: printable, value: printable }),
      fc.record({ namespace: printable, key: printable, value: printable, ttl: fc.oneof(fc.constantFrom('soon', '-1', '1e400', 'NaN'), fc.integer({ max: -1 }), fraction) }),
    ),
  }),
);

/** A start body holding at least one broken item among otherwise plausible ones. */
const brokenStartBody = fc
  .tuple(fc.array(fc.record({ type: fc.constant('starttaskid'), payload: fc.record({ taskId: fc.uuid() }) }), { maxLength: 3 }), brokenStartItem, fc.nat({ max: 3 }))
  .map(([fine, broken, at]) => {
    const items: unknown[] = [...fine];
    items.splice(Math.min(at, items.length), 0, broken);
    return items;
  });

/**
 * A key-value write body that is never a valid pair. The route's schema validator coerces
 * scalars (a number or boolean key or value becomes a string, a one-element list its
 * element), so only shapes no coercion can repair count as broken.
 */
const notCoercibleToString = fc.oneof(
  fc.constant(null),
  fc.dictionary(printable, printable, { minKeys: 1, maxKeys: 3 }),
  fc.array(printable, { minLength: 2, maxLength: 3 }),
);
const brokenPairBody = fc.oneof(
  fc.record({ key: fc.oneof(fc.constant(''), notCoercibleToString), value: printable }, { requiredKeys: ['value'] }),
  fc.record({ key: printable, value: notCoercibleToString }, { requiredKeys: ['key'] }),
  fc.record({
    key: printable.filter((key) => key !== ''),
    value: printable,
    ttl: fc.oneof(fc.constantFrom('soon', '-5', 'Infinity', '1.5', '1e400'), fraction, fc.integer({ max: -1 })),
  }),
  fc.jsonValue().filter((value) => typeof value !== 'object' || value === null || Array.isArray(value)),
);

const rawBody = fc.oneof(
  fc.constantFrom('', '{', '[', '[{"type":', '{"key":"k","value":', 'null', 'true', '"x"', '[]', '{}', '\u0000', '{"__proto__":{"polluted":1}}', '[[[[[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]]]]'),
  fc.string({ maxLength: 200 }),
  fc.nat({ max: 2000 }).map((depth) => '['.repeat(depth) + ']'.repeat(depth)),
);

const body = fc.oneof(
  rawBody.map((text) => ({ payload: text })),
  brokenStartBody.map((value) => ({ payload: JSON.stringify(value) })),
  brokenPairBody.map((value) => ({ payload: JSON.stringify(value) })),
  fc.constant({}),
);

const method = fc.constantFrom('GET', 'PUT', 'POST', 'DELETE', 'PATCH', 'HEAD', 'OPTIONS');

// ---- properties ---------------------------------------------------------------------------

async function assertNothingHappened(): Promise<void> {
  assert.deepEqual(simulator.sim.stats.starts, [], 'a task was started');
  assert.deepEqual(await kv.listNamespaces(), [SEEDED_NAMESPACE], 'a namespace was written');
  assert.deepEqual(await kv.listKeys(SEEDED_NAMESPACE), [SEEDED_KEY]);
  assert.equal((await kv.get(SEEDED_NAMESPACE, SEEDED_KEY))?.value, 'seeded value');
}

async function send(request: { method: string; url: string; headers: Record<string, string>; payload?: string }): Promise<number> {
  generated += 1;
  const res = await app.inject({ method: request.method as 'GET', url: request.url, headers: request.headers, ...(request.payload === undefined ? {} : { payload: request.payload }) });
  return res.statusCode;
}

test('fuzz: generated paths, methods, headers and bodies never get a 5xx and change nothing', async () => {
  await fc.assert(
    fc.asyncProperty(method, path, credentials, extraHeaders, body, async (m, url, auth, headers, b) => {
      const status = await send({ method: m, url, headers: { ...headers, ...auth }, ...b });
      assert.ok(status >= 200 && status < 500, `${m} ${url} -> ${status}`);
    }),
    { numRuns: 2500 },
  );
  await assertNothingHappened();
});

test('fuzz: broken start bodies from a caller allowed to start: 4xx, QRS not asked, nothing started or written', async () => {
  const asked = simulator.sim.stats.requestCount();
  await fc.assert(
    fc.asyncProperty(fc.oneof(fc.constant('-'), fc.uuid(), fc.constant(TASKS.app1.taskId)), brokenStartBody, fc.constantFrom('PUT', 'POST'), async (taskId, items, m) => {
      const status = await send({
        method: m,
        url: `/v4/reloadtask/${taskId}/start`,
        headers: { 'content-type': 'application/json', authorization: `Bearer ${KEYS.starter}` },
        payload: JSON.stringify(items),
      });
      assert.ok(status >= 400 && status < 500, `${JSON.stringify(items)} -> ${status}`);
    }),
    { numRuns: 1500 },
  );
  assert.equal(simulator.sim.stats.requestCount(), asked, 'QRS was asked about a broken body');
  await assertNothingHappened();
});

test('fuzz: broken key-value writes from a caller allowed to write: 4xx, nothing written', async () => {
  await fc.assert(
    fc.asyncProperty(segment.filter((s) => s !== ''), brokenPairBody, async (namespace, pair) => {
      const status = await send({
        method: 'POST',
        url: `/v4/keyvalues/${namespace}`,
        headers: { 'content-type': 'application/json', 'x-api-key': KEYS.writer },
        payload: JSON.stringify(pair),
      });
      assert.ok(status >= 400 && status < 500, `${namespace} ${JSON.stringify(pair)} -> ${status}`);
    }),
    { numRuns: 1500 },
  );
  await assertNothingHappened();
});

test('raw malformed HTTP over a socket: refused or closed, never a 5xx, and the service keeps answering', async () => {
  const { port } = new URL(base);
  const raw = [
    'GET /%%% HTTP/1.1\r\nHost: x\r\n\r\n',
    'GET /v4/butlerping HTTP/1.1\r\nHost: x\r\nBad Header\r\n\r\n',
    'PUT /v4/reloadtask/-/start HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 5\r\n\r\n[',
    'POST /v4/keyvalues/ns HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nContent-Type: application/json\r\n\r\nzz\r\n{}\r\n0\r\n\r\n',
    'POST /v4/keyvalues/ns HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\nTransfer-Encoding: chunked\r\n\r\n{}',
    `GET /${'a'.repeat(20000)} HTTP/1.1\r\nHost: x\r\n\r\n`,
    'BREW /coffee HTCPCP/1.0\r\n\r\n',
    '\u0000\u0001\u0002\r\n\r\n',
  ];
  for (const text of raw) {
    const answer = await new Promise<string>((resolve) => {
      let received = '';
      const socket = connect(Number(port), '127.0.0.1', () => socket.end(text));
      socket.setEncoding('utf8');
      socket.on('data', (chunk: string) => (received += chunk));
      socket.on('error', () => resolve(received));
      socket.on('close', () => resolve(received));
    });
    const status = /^HTTP\/1\.1 (\d{3})/.exec(answer)?.[1];
    assert.ok(status === undefined || Number(status) < 500, `${JSON.stringify(text.slice(0, 60))} -> ${answer.slice(0, 80)}`);
  }
  const health = await fetch(`${base}/health`);
  assert.equal(health.status, 200);
  await health.text();
  await assertNothingHappened();
  assert.ok(generated >= 5000, `only ${generated} requests were generated`);
});
