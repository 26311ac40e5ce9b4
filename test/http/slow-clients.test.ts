/**
 * Slow, idle and refused clients over real sockets: requests not received in time are
 * answered 408 and closed, connections are capped, refusals close the connection instead of
 * draining a body, and a handler that takes longer than the request timeout is not cut short.
 */
import assert from 'node:assert/strict';
import { connect, type Socket } from 'node:net';
import { test } from 'node:test';
import winston from 'winston';
import { createKvStore } from '../../src/kvstore/index.js';
import { AUTH_ON, KEYS } from '../helpers/api-keys.js';
import { buildTestApp, listen, testSettings, type DeepPartial } from '../helpers/app.js';
import type { Settings } from '../../src/config/settings.js';

interface RawClient {
  socket: Socket;
  /** Everything the server sent so far. */
  received(): string;
  /** Resolves once the server closed the connection; rejects after `deadlineMs`. */
  closed(deadlineMs: number): Promise<void>;
}

/** Raw sockets still open: destroyed before a server closes, which would otherwise wait for them. */
const openSockets = new Set<Socket>();

async function rawClient(base: string): Promise<RawClient> {
  const { port } = new URL(base);
  const socket = connect(Number(port), '127.0.0.1');
  openSockets.add(socket);
  socket.once('close', () => openSockets.delete(socket));
  await new Promise<void>((resolve, reject) => socket.once('connect', resolve).once('error', reject));
  let text = '';
  socket.on('data', (chunk: Buffer) => (text += chunk.toString()));
  socket.on('error', () => undefined);
  const ended = new Promise<void>((resolve) => socket.once('close', () => resolve()));
  return {
    socket,
    received: () => text,
    closed: (deadlineMs) =>
      new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`connection still open after ${deadlineMs} ms; got: ${text}`)), deadlineMs);
        void ended.then(() => {
          clearTimeout(timer);
          resolve();
        });
      }),
  };
}

async function appWithStore(settings: DeepPartial<Settings>) {
  const logger = winston.createLogger({ silent: true });
  const kv = await createKvStore(testSettings(settings).keyValueStore, { logger });
  const app = await buildTestApp({ settings, kv, logger });
  const base = await listen(app);
  return {
    app,
    kv,
    base,
    async close() {
      for (const socket of openSockets) socket.destroy();
      await app.close();
      await kv.close();
    },
  };
}

/** A POST that announces a 1 MiB JSON body; the test sends the body, or not. */
const declaredBody = (path: string, extraHeaders = '') =>
  `POST ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 1048576\r\n${extraHeaders}\r\n`;

test('50 clients dripping a body are all disconnected while the service keeps answering others', async (t) => {
  const service = await appWithStore({ server: { requestTimeoutMs: 2000, bodyLimitBytes: 2 * 1048576 } });
  t.after(() => service.close());

  const clients = await Promise.all(Array.from({ length: 50 }, () => rawClient(service.base)));
  for (const client of clients) client.socket.write(declaredBody('/v4/keyvalues/ns'));
  const drip = setInterval(() => {
    for (const client of clients) if (!client.socket.destroyed) client.socket.write('{');
  }, 500);
  t.after(() => clearInterval(drip));

  const allClosed = Promise.all(clients.map((client) => client.closed(5000)));
  // While they drip, others are served.
  for (let i = 0; i < 5; i++) {
    const res = await fetch(`${service.base}/health`);
    assert.equal(res.status, 200);
    await res.text();
  }
  await allClosed;
  clearInterval(drip);
  const answered408 = clients.filter((client) => client.received().startsWith('HTTP/1.1 408')).length;
  assert.equal(answered408, 50, 'each slow request is answered 408 before it is closed');
  assert.match(clients[0]!.received(), /Butler\.restServerConfig\.requestTimeoutMs/);
  const after = await fetch(`${service.base}/health`);
  assert.equal(after.status, 200);
});

test('a handler slower than requestTimeoutMs still answers: the timeout covers receiving the request only', async (t) => {
  const app = await buildTestApp({ settings: { server: { requestTimeoutMs: 300 } } });
  app.put('/slow', async (request) => {
    await new Promise((resolve) => setTimeout(resolve, 1500));
    return { got: request.body };
  });
  const base = await listen(app);
  t.after(() => app.close());
  const res = await fetch(`${base}/slow`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: '{"a":1}' });
  assert.equal(res.status, 200);
  assert.deepEqual(await res.json(), { got: { a: 1 } });
});

test('connections beyond maxConnections are refused; the service answers again once one closes', async (t) => {
  const service = await appWithStore({ server: { maxConnections: 3 } });
  const idle = await Promise.all([1, 2, 3].map(() => rawClient(service.base)));
  t.after(() => service.close());
  // Wait until the server has accepted all three before the fourth arrives.
  const deadline = Date.now() + 5000;
  while ((await new Promise<number>((resolve) => service.app.server.getConnections((_e, n) => resolve(n)))) < 3) {
    if (Date.now() > deadline) assert.fail('the server never counted 3 connections');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }

  const extra = await rawClient(service.base);
  extra.socket.write('GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n');
  await extra.closed(5000);
  assert.equal(extra.received(), '', 'the connection over the cap gets no answer');

  idle[0]!.socket.destroy();
  const deadlineAgain = Date.now() + 5000;
  for (;;) {
    const res = await fetch(`${service.base}/health`, { headers: { connection: 'close' } }).catch(() => undefined);
    if (res?.status === 200) break;
    if (Date.now() > deadlineAgain) assert.fail('the service did not answer again after a connection closed');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
});

test('401, 403 and 413 close the connection instead of reading the rest of the body', async (t) => {
  const service = await appWithStore({ server: { auth: AUTH_ON, bodyLimitBytes: 1024 } });
  t.after(() => service.close());
  const cases = [
    { status: 401, headers: '' },
    { status: 403, headers: `X-API-Key: ${KEYS.reader}\r\n` },
    { status: 413, headers: `X-API-Key: ${KEYS.writer}\r\n` },
  ];
  for (const { status, headers } of cases) {
    const client = await rawClient(service.base);
    client.socket.write(declaredBody('/v4/keyvalues/ns', headers));
    client.socket.write('{"key":"k","value":"');
    await client.closed(5000);
    assert.match(client.received(), new RegExp(`^HTTP/1.1 ${status} `), client.received());
    assert.match(client.received(), /\r\nconnection: close\r\n/i);
  }
});
