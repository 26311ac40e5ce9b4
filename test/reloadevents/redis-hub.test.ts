/**
 * Reload-finished events shared through a real redis-server: an event published by one
 * instance's hub reaches the others' listeners (and its own once), other prefixes and garbage
 * on the channel are not delivered, and a Redis that comes up late is subscribed to then.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createClient } from '@keyv/redis';
import type { CloudReload } from '../../src/qlikcloud/types.js';
import { createRedisReloadFinishedHub } from '../../src/reloadevents/index.js';
import { createCapturingLogger } from '../helpers/logger.js';
import { freePort } from '../helpers/process.js';
import { startRedis } from '../helpers/redis.js';
import { waitUntil } from '../helpers/wait.js';

const server = await startRedis();
test.after(() => server.stop());

const reload = (id: string): CloudReload => ({
  id,
  appId: '5a1e0c3b-7f2d-4c61-9b8e-2d4f6a8c0001',
  status: 'SUCCEEDED',
  partial: false,
  creationTime: null,
  startTime: '2026-12-01T06:00:01.000Z',
  endTime: '2026-12-01T06:00:08.000Z',
  log: null,
});

async function hubOn(t: { after(fn: () => Promise<void>): void }, url: string, keyPrefix = 'stg-test') {
  const { logger, lines } = createCapturingLogger('info');
  const hub = await createRedisReloadFinishedHub({ url, keyPrefix, logger });
  t.after(() => hub.close());
  const heard: string[] = [];
  hub.subscribe((event) => heard.push(event.id));
  return { hub, heard, lines };
}

test('an event published on one instance reaches the others, and its own listeners once', async (t) => {
  const one = await hubOn(t, server.url);
  const two = await hubOn(t, server.url);
  const elsewhere = await hubOn(t, server.url, 'another-prefix');
  await one.hub.publish(reload('r1'));
  assert.deepEqual(one.heard, ['r1'], 'its own listeners hear it at once');
  await waitUntil(() => two.heard.length === 1, 'the event on the other instance');
  assert.deepEqual(two.heard, ['r1']);

  await two.hub.publish(reload('r2'));
  await waitUntil(() => one.heard.length === 2, 'the second event on the first instance');
  assert.deepEqual(one.heard, ['r1', 'r2']);
  assert.deepEqual(two.heard, ['r1', 'r2'], 'no echo of its own event through Redis');
  assert.deepEqual(elsewhere.heard, [], 'another key prefix is another channel');
});

test('anything else on the channel is not delivered', async (t) => {
  const one = await hubOn(t, server.url);
  const raw = createClient({ url: server.url });
  await raw.connect();
  t.after(() => raw.close());
  for (const message of ['not json', '{}', JSON.stringify({ origin: 'x', reload: { id: 7 } }), JSON.stringify({ origin: 'x', reload: reload('ok') })]) {
    await raw.publish('stg-test:qlik-cloud:reload-finished', message);
  }
  await waitUntil(() => one.heard.length === 1, 'the one well-formed message');
  assert.deepEqual(one.heard, ['ok']);
});

test('Redis down at start: events stay local with a warning; once Redis is up, they are shared', async (t) => {
  const port = await freePort();
  const url = `redis://127.0.0.1:${port}`;
  const early = await hubOn(t, url);
  assert.ok(early.lines().some((line) => line.includes('not reachable yet')), early.lines().join('\n'));
  await early.hub.publish(reload('local-only'));
  assert.deepEqual(early.heard, ['local-only']);
  assert.equal(early.lines().filter((line) => line.includes('could not be shared')).length, 1);

  const late = await startRedis(port);
  t.after(() => late.stop());
  const other = await hubOn(t, url);
  await waitUntil(async () => {
    await other.hub.publish(reload('shared'));
    return early.heard.includes('shared');
  }, 'the early hub subscribing once Redis is up', { timeoutMs: 15_000, intervalMs: 200 });
  await waitUntil(async () => {
    await early.hub.publish(reload('from-early'));
    return other.heard.includes('from-early');
  }, 'the early hub publishing once Redis is up', { timeoutMs: 15_000, intervalMs: 200 });
  assert.ok(early.lines().some((line) => line.includes('reach the other instances again')), early.lines().join('\n'));
});
