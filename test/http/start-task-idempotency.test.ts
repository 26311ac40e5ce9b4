/**
 * Idempotency-Key on the start endpoint, end to end: real HTTP, the real QRS client over
 * mutual TLS to the simulator, keys in the memory store, in SQLite and in one real
 * redis-server shared by two service instances.
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test, type TestContext } from 'node:test';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { createClient } from '@keyv/redis';
import KeyvSqlite from '@keyv/sqlite';
import { fingerprintOf, storageKeyOf } from '../../src/idempotency/guard.js';
import { createKvStore } from '../../src/kvstore/index.js';
import { openIdempotencyStore } from '../../src/idempotency/index.js';
import { createQrsClient } from '../../src/qrs/index.js';
import type { QrsClient } from '../../src/qrs/types.js';
import type { Settings } from '../../src/config/settings.js';
import type { RunningSimulator } from '../../src/simulator/index.js';
import type { WaitedStartTaskResponse } from '../../src/waiting/index.js';
import { API_KEYS, KEYS } from '../helpers/api-keys.js';
import { buildTestApp, listen, testSettings, type DeepPartial } from '../helpers/app.js';
import { createCapturingLogger } from '../helpers/logger.js';
import { startRedis } from '../helpers/redis.js';
import { waitUntil } from '../helpers/wait.js';
import { qrsSettingsOf, startTestSimulator, type TestSimulator } from '../helpers/simulator.js';
import { startHarness, startedIds, TASKS } from '../starttask/harness.js';

const { app1, app2 } = TASKS;
const START = `/v4/reloadtask/${app1.taskId}/start`;
const BODY = [{ type: 'starttaskid', payload: { taskId: app2.taskId } }];

interface Reply {
  status: number;
  replayed: string | null;
  body: Record<string, unknown>;
}

async function put(base: string, path: string, body: unknown, headers: Record<string, string> = {}): Promise<Reply> {
  const res = await fetch(`${base}${path}`, {
    method: 'PUT',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });
  return { status: res.status, replayed: res.headers.get('idempotent-replayed'), body: (await res.json()) as Record<string, unknown> };
}

const key = (value: string) => ({ 'idempotency-key': value });

test('a repeat with the same key starts nothing and gets the first answer', async (t) => {
  const h = await startHarness(t);
  const first = await put(h.base, START, BODY, key('nightly-2026-12-01'));
  assert.equal(first.status, 200);
  assert.equal(first.replayed, null);
  assert.deepEqual(startedIds(h.sim), [app1.taskId, app2.taskId].sort());

  const repeat = await put(h.base, START, BODY, key('nightly-2026-12-01'));
  assert.equal(repeat.status, 200);
  assert.equal(repeat.replayed, 'true');
  assert.deepEqual(repeat.body, first.body);
  assert.equal(h.sim.stats.starts.length, 2, 'the repeat started nothing');
  const audits = h
    .logLines()
    .map((line) => JSON.parse(line) as { audit?: boolean; outcome?: { replayed?: boolean; started?: string[] } })
    .filter((line) => line.audit);
  assert.deepEqual(audits.map((line) => line.outcome?.started?.length), [2, 0]);
  assert.equal(audits[1]?.outcome?.replayed, true);

  // Without a key, or with another key, the same request starts again.
  assert.equal((await put(h.base, START, BODY, key('nightly-2026-12-02'))).replayed, null);
  assert.equal((await put(h.base, START, BODY)).status, 200);
  assert.equal(h.sim.stats.starts.length, 6);
});

test('the same key with another body, URL or method is a 409 and starts nothing', async (t) => {
  const h = await startHarness(t);
  assert.equal((await put(h.base, START, BODY, key('k1'))).status, 200);
  const before = h.sim.stats.starts.length;

  const otherBody = await put(h.base, START, [{ type: 'starttaskid', payload: { taskId: TASKS.app3.taskId } }], key('k1'));
  assert.equal(otherBody.status, 409);
  assert.equal(otherBody.body.code, 'ERR_IDEMPOTENCY_KEY_REUSED');
  assert.match(String(otherBody.body.message), /different request/);

  const otherUrl = await put(h.base, `${START}?allTaskIdsMustExist=true`, BODY, key('k1'));
  assert.equal(otherUrl.status, 409);

  const post = await fetch(`${h.base}${START}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...key('k1') },
    body: JSON.stringify(BODY),
  });
  assert.equal(post.status, 409);
  assert.equal(h.sim.stats.starts.length, before);
});

test('Idempotency-Key: at most 200 printable characters, checked before anything starts', async (t) => {
  const h = await startHarness(t);
  const tooLong = await put(h.base, START, BODY, key('k'.repeat(201)));
  assert.equal(tooLong.status, 400);
  assert.equal(tooLong.body.message, 'headers.idempotency-key is 201 characters long; the limit is 200');
  assert.equal((await put(h.base, START, BODY, key('   '))).status, 400);
  assert.equal(h.sim.stats.requestCount(), 0);
  assert.equal((await put(h.base, START, BODY, key('k'.repeat(200)))).status, 200);
});

test('a request that failed (nothing started) releases its key: the retry runs', async (t) => {
  const h = await startHarness(t);
  h.sim.hooks.failAllWith = 503;
  const failed = await put(h.base, START, BODY, key('retry-me'));
  assert.equal(failed.status, 502);
  h.sim.hooks.failAllWith = null;

  const retry = await put(h.base, START, BODY, key('retry-me'));
  assert.equal(retry.status, 200);
  assert.equal(retry.replayed, null);
  assert.deepEqual(startedIds(h.sim), [app1.taskId, app2.taskId].sort());
});

test('a repeat while the first request is still running is a 409 (in progress); afterwards it replays', async (t) => {
  let reached!: () => void;
  const startReached = new Promise<void>((resolve) => (reached = resolve));
  let release!: () => void;
  const gate = new Promise<void>((resolve) => (release = resolve));
  const h = await startHarness(t, {
    wrapQrs: (qrs): QrsClient => ({
      ...qrs,
      async startTask(id) {
        reached();
        await gate;
        return qrs.startTask(id);
      },
    }),
  });
  const first = put(h.base, START, [], key('slow'));
  await startReached;
  const during = await put(h.base, START, [], key('slow'));
  assert.equal(during.status, 409);
  assert.equal(during.body.code, 'ERR_IDEMPOTENCY_IN_PROGRESS');
  release();
  assert.equal((await first).status, 200);
  const afterwards = await put(h.base, START, [], key('slow'));
  assert.equal(afterwards.replayed, 'true');
  assert.deepEqual(startedIds(h.sim), [app1.taskId]);
});

test('keys are per caller: another API key with the same Idempotency-Key is another request', async (t) => {
  const h = await startHarness(t, { settings: { server: { auth: { enable: true, apiKeys: API_KEYS } } } });
  const a = await put(h.base, START, [], { ...key('shared'), 'x-api-key': KEYS.starter });
  const b = await put(h.base, START, [], { ...key('shared'), 'x-api-key': KEYS.admin });
  assert.equal(a.status, 200);
  assert.equal(b.status, 200);
  assert.equal(b.replayed, null);
  assert.equal(h.sim.stats.starts.length, 2);
  assert.equal((await put(h.base, START, [], { ...key('shared'), 'x-api-key': KEYS.admin })).replayed, 'true');
});

/** One service instance with a real key-value store (and its Idempotency-Keys) on `kv`. */
async function instance(t: TestContext, simulator: TestSimulator, kv: DeepPartial<Settings['keyValueStore']>) {
  const settings = testSettings({ keyValueStore: kv, qrs: { retries: 0, ...qrsSettingsOf(simulator) } });
  const { logger } = createCapturingLogger('warn');
  const qrs = createQrsClient(settings.qrs, { logger });
  t.after(() => qrs.close());
  const store = await createKvStore(settings.keyValueStore, { logger });
  t.after(() => store.close());
  const idempotencyStore = await openIdempotencyStore(settings.keyValueStore);
  t.after(() => idempotencyStore.close());
  const app = await buildTestApp({ settings, qrs, kv: store, logger, idempotencyStore });
  t.after(() => app.close());
  return { base: await listen(app), app };
}

/** A simulator and a fresh SQLite key-value file for instances to share. */
async function sqliteRig(t: TestContext) {
  const dir = await mkdtemp(join(tmpdir(), 'stg-idem-sqlite-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const simulator = await startTestSimulator();
  t.after(() => simulator.close());
  const file = join(dir, 'kv.sqlite');
  return { simulator, file, kv: { backend: 'sqlite' as const, sqlite: { path: file } } };
}

test('two instances on one Redis honour each other\'s keys, which never show up in the key-value API', async (t) => {
  const redis = await startRedis();
  t.after(() => redis.stop());
  const simulator = await startTestSimulator();
  t.after(() => simulator.close());
  const kv = { backend: 'redis' as const, redis: { url: redis.url, keyPrefix: 'shared' } };
  const [{ base: a }, { base: b }] = [await instance(t, simulator, kv), await instance(t, simulator, kv)];

  const first = await put(a, START, BODY, key('pipeline-run-42'));
  assert.equal(first.status, 200);
  const repeat = await put(b, START, BODY, key('pipeline-run-42'));
  assert.equal(repeat.replayed, 'true');
  assert.deepEqual(repeat.body, first.body);
  assert.equal(simulator.sim.stats.starts.length, 2);
  const reused = await put(b, START, [], key('pipeline-run-42'));
  assert.equal(reused.status, 409);

  const client = createClient({ url: redis.url });
  await client.connect();
  const stored = await client.keys('shared:idempotency:*');
  await client.close();
  assert.equal(stored.length, 1);
  for (const base of [a, b]) {
    assert.deepEqual(await (await fetch(`${base}/v4/keyvaluesnamespaces`)).json(), []);
  }
});

test('with SQLite, keys live in the key-value file, survive a restart and stay out of the key-value API', async (t) => {
  const { simulator, kv } = await sqliteRig(t);
  const first = await put((await instance(t, simulator, kv)).base, START, BODY, key('k'));
  const { base: second } = await instance(t, simulator, kv);
  const repeat = await put(second, START, BODY, key('k'));
  assert.equal(repeat.replayed, 'true');
  assert.deepEqual(repeat.body, first.body);
  assert.equal(simulator.sim.stats.starts.length, 2);
  assert.deepEqual(await (await fetch(`${second}/v4/keyvaluesnamespaces`)).json(), []);
});


const WAIT = `${START}?wait=true&timeoutSeconds=60`;

function polledOnce(sim: RunningSimulator): boolean {
  return sim.stats.requests.some((r) => r.path.toLowerCase().startsWith('/qrs/executionresult'));
}

/** A repeat, sent again while it is refused because the first request is still starting its tasks. */
async function repeatOnceStarted(base: string, path: string, headers: Record<string, string>): Promise<Reply> {
  const deadline = Date.now() + 20_000;
  for (;;) {
    const reply = await put(base, path, BODY, headers);
    if (reply.body.code !== 'ERR_IDEMPOTENCY_IN_PROGRESS') return reply;
    assert.ok(Date.now() < deadline, 'the first request was still starting its tasks after 20 s');
    await sleep(20);
  }
}

function waitOf(reply: Reply) {
  const body = reply.body as unknown as WaitedStartTaskResponse;
  return { outcome: body.wait.outcome, statuses: body.executions.map((execution) => execution.status) };
}

test('a caller that went away during wait=true: a repeat starts nothing and waits again, to the final states', async (t) => {
  const h = await startHarness(t);
  h.sim.hooks.executionMs = 3000;
  const leaving = new AbortController();
  const left = fetch(`${h.base}${WAIT}`, {
    method: 'PUT',
    headers: { 'content-type': 'application/json', ...key('went-away') },
    body: JSON.stringify(BODY),
    signal: leaving.signal,
  }).catch(() => undefined);
  await waitUntil(() => polledOnce(h.sim), 'the first request to wait on its executions');
  leaving.abort();
  await left;

  const repeat = await repeatOnceStarted(h.base, WAIT, key('went-away'));
  assert.equal(repeat.status, 200);
  assert.equal(repeat.replayed, 'true');
  assert.deepEqual(waitOf(repeat), { outcome: 'finished', statuses: ['FinishedSuccess', 'FinishedSuccess'] });
  // The reloads are over: a later repeat gets their final states too.
  assert.deepEqual(waitOf(await put(h.base, WAIT, BODY, key('went-away'))), waitOf(repeat));
  assert.equal(h.sim.stats.starts.length, 2, 'nothing started twice');
});

test('a wait the service stopped (shutdown): a repeat on the other instance waits again, to the final states', async (t) => {
  const { simulator, kv } = await sqliteRig(t);
  simulator.sim.hooks.executionMs = 3000;
  const [stopping, staying] = [await instance(t, simulator, kv), await instance(t, simulator, kv)];

  const first = put(stopping.base, WAIT, BODY, key('shutdown'));
  await waitUntil(() => polledOnce(simulator.sim), 'the first request to wait on its executions');
  await stopping.app.close();
  assert.equal(waitOf(await first).outcome, 'stopped');

  const repeat = await repeatOnceStarted(staying.base, WAIT, key('shutdown'));
  assert.equal(repeat.replayed, 'true');
  assert.deepEqual(waitOf(repeat), { outcome: 'finished', statuses: ['FinishedSuccess', 'FinishedSuccess'] });
  assert.equal(simulator.sim.stats.starts.length, 2, 'nothing started twice');
});

test('a repeat of a request with a callback waits again but sends no second callback', async (t) => {
  const received: string[] = [];
  const receiver = createServer((req, res) => {
    received.push(req.url ?? '');
    req.resume().on('end', () => res.end());
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  t.after(() => new Promise<void>((resolve) => receiver.close(() => resolve())));
  const hooks = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hooks/`;
  const h = await startHarness(t, { settings: { startTask: { callback: { allowedUrlPrefixes: [hooks] } } } });
  h.sim.hooks.executionMs = 300;
  const path = (run: string) => `${WAIT}&callbackUrl=${encodeURIComponent(`${hooks}${run}`)}`;

  assert.equal(waitOf(await put(h.base, path('first'), BODY, key('with-callback'))).outcome, 'finished');
  await waitUntil(() => received.length === 1, 'the first callback');
  const repeat = await put(h.base, path('first'), BODY, key('with-callback'));
  assert.equal(repeat.replayed, 'true');
  assert.equal(waitOf(repeat).outcome, 'finished');
  // A request after the repeat: its callback comes after any the repeat would have sent.
  await put(h.base, path('marker'), BODY, key('marker'));
  await waitUntil(() => received.includes('/hooks/marker'), 'the marker callback');
  assert.deepEqual(received, ['/hooks/first', '/hooks/marker']);
});

test("an answer the previous release stored (as sent, with its wait) is replayed as it was", async (t) => {
  const { simulator, file, kv } = await sqliteRig(t);
  simulator.sim.hooks.executionMs = 120_000;
  const { base } = await instance(t, simulator, kv);
  const timedOut = `${START}?wait=true&timeoutSeconds=1`;
  const sent = await put(base, timedOut, BODY);
  assert.equal(waitOf(sent).outcome, 'timeout');

  // The previous release's record: the answer as sent, no token, no lease.
  const request = { key: 'before-the-upgrade', caller: 'anonymous', method: 'PUT', url: timedOut, body: BODY };
  const record = { fingerprint: fingerprintOf(request), firstSeenAt: Date.now(), answer: { statusCode: 200, body: sent.body } };
  const raw = new KeyvSqlite({ uri: `sqlite://${file}`, table: 'kv_values' });
  t.after(() => raw.disconnect());
  await raw.query(
    'INSERT INTO idempotency_keys (key, record, expires_at) VALUES (?, ?, ?)',
    storageKeyOf(request),
    JSON.stringify(record),
    Date.now() + 3_600_000,
  );
  const repeat = await put(base, timedOut, BODY, key('before-the-upgrade'));
  assert.equal(repeat.status, 200);
  assert.equal(repeat.replayed, 'true');
  assert.deepEqual(repeat.body, sent.body);
  assert.equal(simulator.sim.stats.starts.length, 2, 'only the first request started its tasks');
});
