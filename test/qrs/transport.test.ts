import assert from 'node:assert/strict';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { test } from 'node:test';
import winston from 'winston';
import type { QrsSettings } from '../../src/config/settings.js';
import { RequestCancelledError } from '../../src/errors.js';
import { createQrsClient, QrsUnavailableError } from '../../src/qrs/index.js';
import { createQrsTransport, type QrsAnswer, type QrsTransport } from '../../src/qrs/transport.js';
import type { QrsClient } from '../../src/qrs/types.js';
import { retainedBy } from '../helpers/signal-retention.js';
import { waitUntil } from '../helpers/wait.js';
import { tasksByTag } from './qrs-test-client.js';

const APP1 = 'e3b27f50-b1c0-4879-88fc-c7cdd9c1cf3e';
const SESSION_ID = '2c8e1f0a-3b4d-4c5e-8f60-718293a4b5c6';

interface Seen {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  body: string;
}

/**
 * A plain-HTTP stand-in for QRS (useSSL false) that records the raw request line and
 * headers and counts TCP connections: what the simulator's stats do not show.
 */
async function recordingServer(t: { after(fn: () => Promise<void>): void }) {
  const seen: Seen[] = [];
  let connections = 0;
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
    req.on('end', () => {
      seen.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body });
      if (req.method === 'POST') {
        res.writeHead(201, { 'content-type': 'application/json' }).end(`{"value":"${SESSION_ID}"}`);
        return;
      }
      const about = req.url?.startsWith('/qrs/about') === true;
      res.writeHead(200, { 'content-type': 'application/json' }).end(about ? '{"buildVersion":"test"}' : '[]');
    });
  });
  server.on('connection', () => (connections += 1));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.after(
    () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  );
  return { port: (server.address() as AddressInfo).port, seen, connections: () => connections };
}

/** QRS settings for a plain-HTTP stand-in on 127.0.0.1. */
function httpSettings(port: number, overrides: Partial<QrsSettings> = {}): QrsSettings {
  return {
    enable: true,
    host: '127.0.0.1',
    port,
    useSSL: false,
    rejectUnauthorized: false,
    headers: [
      { name: 'X-Qlik-User', value: 'UserDirectory=Internal;UserId=sa_repository' },
      { name: 'X-Custom', value: 'yes' },
    ],
    clientCert: 'unused',
    clientCertKey: 'unused',
    clientCertCA: 'unused',
    timeoutMs: 5_000,
    retries: 0,
    filterQuoteEscape: 'backslash',
    maxIdsPerLookup: 100,
    maxUrlLength: 4000,
    maxSockets: 64,
    readinessCacheMs: 1_000,
    ...overrides,
  };
}

function httpClient(
  t: { after(fn: () => Promise<void>): void },
  port: number,
  overrides: Partial<QrsSettings> = {},
): QrsClient {
  const qrs = createQrsClient(httpSettings(port, overrides), { logger: winston.createLogger({ silent: true }) });
  t.after(() => qrs.close());
  return qrs;
}

test('the xrfkey header equals the xrfkey query parameter, and static headers are sent', async (t) => {
  const server = await recordingServer(t);
  const qrs = httpClient(t, server.port);
  await qrs.about();
  assert.deepEqual(await qrs.startTask(APP1), { started: true, executionSessionId: SESSION_ID });
  assert.equal(server.seen.length, 2);
  for (const request of server.seen) {
    const query = new URLSearchParams(request.url.slice(request.url.indexOf('?') + 1));
    assert.match(query.get('xrfkey') ?? '', /^[0-9A-Za-z]{16}$/);
    assert.equal(request.headers['x-qlik-xrfkey'], query.get('xrfkey'));
    assert.equal(request.headers['x-qlik-user'], 'UserDirectory=Internal;UserId=sa_repository');
    assert.equal(request.headers['x-custom'], 'yes');
  }
  assert.equal(server.seen[1]?.url.split('?')[0], `/qrs/task/${APP1}/start/synchronous`);
  assert.equal(server.seen[1]?.method, 'POST');
});

test('the filter is percent-encoded exactly once on the wire', async (t) => {
  const server = await recordingServer(t);
  const qrs = httpClient(t, server.port);
  await tasksByTag(qrs, "it's & #1 at 50% / ok? ü+");
  const url = server.seen[0]?.url ?? '';
  assert.match(url, /^\/qrs\/task\/full\?xrfkey=[0-9A-Za-z]{16}&filter=/);
  assert.equal(
    url.slice(url.indexOf('&filter=') + '&filter='.length),
    "tags.name%20eq%20'it%5C's%20%26%20%231%20at%2050%25%20%2F%20ok%3F%20%C3%BC%2B'",
  );
});

test('one keep-alive connection carries sequential requests', async (t) => {
  const server = await recordingServer(t);
  const qrs = httpClient(t, server.port);
  for (let i = 0; i < 5; i += 1) await qrs.about();
  assert.equal(server.seen.length, 5);
  assert.equal(server.connections(), 1);
});

/**
 * A plain-HTTP stand-in for QRS by path: `/flaky/<id>` answers 503 to its first request and
 * 200 after, `/down` always 503, `/hang...` never answers, a POST 201, anything else 200.
 */
async function scriptedServer(t: { after(fn: () => Promise<void>): void }) {
  const flakySeen = new Set<string>();
  const paths: string[] = [];
  const server = createServer((req, res) => {
    const path = (req.url ?? '').split('?')[0] ?? '';
    paths.push(path);
    req.resume();
    req.on('end', () => {
      if (path.startsWith('/qrs/hang')) return;
      const flakyFirst = path.startsWith('/qrs/flaky/') && !flakySeen.has(path);
      flakySeen.add(path);
      if (flakyFirst || path === '/qrs/down') res.writeHead(503).end();
      else if (req.method === 'POST') res.writeHead(201, { 'content-type': 'application/json' }).end(`{"value":"${SESSION_ID}"}`);
      else res.writeHead(200, { 'content-type': 'text/plain' }).end('line 1\nline 2\n');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.after(
    () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  );
  return { port: (server.address() as AddressInfo).port, paths };
}

/** A transport whose closing controller the test holds, to see what calls leave on its signal. */
function watchedTransport(t: { after(fn: () => Promise<void>): void }, port: number, overrides: Partial<QrsSettings> = {}) {
  const closing = new AbortController();
  const transport = createQrsTransport(httpSettings(port, overrides), { logger: winston.createLogger({ silent: true }), closing });
  t.after(() => transport.close());
  return { transport, closing };
}

const statusOf = (answer: QrsAnswer): number => answer.status;
const readAll = async (body: AsyncIterable<Buffer>): Promise<string> => {
  let text = '';
  for await (const chunk of body) text += chunk.toString('utf8');
  return text;
};

function everyKindOfCall(transport: QrsTransport, round: number, signal: AbortSignal): Promise<unknown>[] {
  return [
    transport.call({ method: 'GET', path: '/ok', interpret: statusOf, signal }),
    transport.call({ method: 'GET', path: '/ok', interpret: statusOf }),
    transport.call({ method: 'POST', path: '/start', interpret: statusOf, signal }),
    transport.call({ method: 'POST', path: '/start', interpret: statusOf }),
    // Each fails once and is retried after a wait.
    transport.call({ method: 'GET', path: `/flaky/${round}/request`, interpret: statusOf, signal }),
    transport.call({ method: 'GET', path: `/flaky/${round}/alone`, interpret: statusOf }),
    transport.stream({ path: '/log', consume: readAll, timeoutMs: 5_000 }),
  ];
}

test("finished calls leave nothing on the transport's closing signal, nor on a request's signal", async (t) => {
  const server = await scriptedServer(t);
  const { transport, closing } = watchedTransport(t, server.port, { retries: 1 });
  // One request's signal shared by many calls, as a long request's lookups and reads share it.
  const request = new AbortController();
  for (let round = 0; round < 20; round++) {
    assert.deepEqual(await Promise.all(everyKindOfCall(transport, round, request.signal)), [
      200,
      200,
      201,
      201,
      200,
      200,
      'line 1\nline 2\n',
    ]);
  }
  // A call its request gave up on while it was in flight.
  const cancelled = new AbortController();
  const abandoned = transport.call({ method: 'GET', path: '/hang', interpret: statusOf, signal: cancelled.signal });
  await waitUntil(() => server.paths.includes('/qrs/hang'), 'the abandoned call at the server');
  cancelled.abort();
  await assert.rejects(abandoned, RequestCancelledError);

  assert.deepEqual(retainedBy(closing.signal), { listeners: 0, dependants: 0 }, 'the closing signal holds on to finished calls');
  assert.deepEqual(retainedBy(request.signal), { listeners: 0, dependants: 0 }, "the request's signal holds on to finished calls");
});

test('close() ends the calls in flight: reads of a request, a start, a retry wait and a download', async (t) => {
  const server = await scriptedServer(t);
  const { transport, closing } = watchedTransport(t, server.port, { retries: 10 });
  const request = new AbortController();
  const inFlight = [
    transport.call({ method: 'GET', path: '/hang/read', interpret: statusOf, signal: request.signal }),
    transport.call({ method: 'POST', path: '/hang/start', interpret: statusOf, signal: request.signal }),
    transport.call({ method: 'GET', path: '/down', interpret: statusOf, signal: request.signal }),
    transport.stream({ path: '/hang/log', consume: readAll, timeoutMs: 60_000 }),
  ].map((call) => call.then(
    () => assert.fail('a call in flight outlived close()'),
    (error: unknown) => error,
  ));
  await waitUntil(
    () => ['/qrs/hang/read', '/qrs/hang/start', '/qrs/down', '/qrs/hang/log'].every((path) => server.paths.includes(path)),
    () => `every call at the server (seen: ${server.paths.join(', ')})`,
  );
  assert.ok(retainedBy(closing.signal).listeners > 0, 'the calls in flight listen on the closing signal');
  await transport.close();
  for (const error of await Promise.all(inFlight)) {
    assert.ok(error instanceof QrsUnavailableError, String(error));
    assert.match(error.message, /client is closed/);
  }
});
