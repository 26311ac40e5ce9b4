import assert from 'node:assert/strict';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { test } from 'node:test';
import winston from 'winston';
import type { QrsSettings } from '../../src/config/settings.js';
import { createQrsClient } from '../../src/qrs/index.js';
import type { QrsClient } from '../../src/qrs/types.js';
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

function httpClient(
  t: { after(fn: () => Promise<void>): void },
  port: number,
  overrides: Partial<QrsSettings> = {},
): QrsClient {
  const qrs = createQrsClient(
    {
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
    },
    { logger: winston.createLogger({ silent: true }) },
  );
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
