/**
 * Two instances behind a real nginx, as docker-compose.yml runs them: redis-server holds the
 * key-value pairs, the rate-limit counts and the Idempotency-Key claims, the QRS simulator stands in for Qlik Sense, and
 * nginx (rendered from the committed deploy/nginx template) balances round robin and appends
 * to X-Forwarded-For. The instances list nginx (127.0.0.1) in trustProxy. Clients are told
 * apart by their source address (127.0.0.2, 127.0.0.3, ...: all loopback). The last test
 * stops one instance: tests that need both come before it.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { startService, type RunningService } from '../../src/service.js';
import { testSettings } from '../helpers/app.js';
import { requestFrom } from '../helpers/http-from.js';
import { createCapturingLogger } from '../helpers/logger.js';
import { startNginx, type RunningNginx } from '../helpers/nginx.js';
import { startRedis, type RedisServer } from '../helpers/redis.js';
import { qrsSettingsOf, startTestSimulator, type TestSimulator } from '../helpers/simulator.js';

const LIMIT = 6;
const APP1_TASK = 'e3b27f50-b1c0-4879-88fc-c7cdd9c1cf3e';
const APP2_TASK = '7552d9fc-d1bb-4975-9a38-18357de531ea';
const APP3_TASK = 'fb0f317d-da91-4b86-aafa-0174ae1e8c8f';

type Line = Record<string, unknown>;

interface Instance {
  name: string;
  service: RunningService;
  lines: () => Line[];
  /** Set by the test that stops it, so `after` does not close it twice. */
  stopped?: boolean;
}

let redis: RedisServer;
let simulator: TestSimulator;
let instances: [Instance, Instance];
let nginx: RunningNginx;

before(async () => {
  [redis, simulator] = await Promise.all([startRedis(), startTestSimulator()]);
  const settings = testSettings({
    server: { host: '127.0.0.1', port: 0, trustProxy: ['127.0.0.1'], rateLimit: { maxPerMinute: LIMIT } },
    keyValueStore: { backend: 'redis', redis: { url: redis.url, keyPrefix: 'stg-nginx-e2e' } },
    qrs: qrsSettingsOf(simulator),
  });
  const startInstance = async (name: string): Promise<Instance> => {
    const { logger, lines } = createCapturingLogger('info');
    const service = await startService(settings, logger, '0.0.0-test');
    return { name, service, lines: () => lines().map((line) => JSON.parse(line) as Line) };
  };
  instances = [await startInstance('instance 1'), await startInstance('instance 2')];
  const hostPort = ({ service }: Instance) => new URL(service.url).host;
  nginx = await startNginx([hostPort(instances[0]), hostPort(instances[1])]);
});

after(async () => {
  await nginx?.stop();
  for (const instance of instances ?? []) if (!instance.stopped) await instance.service.close();
  await simulator?.close();
  await redis?.stop();
});

/** Request log lines (not audit lines) of one instance for requests from `clientIp`. */
function requestsFrom(instance: Instance, clientIp: string): Line[] {
  return instance.lines().filter((line) => typeof line.statusCode === 'number' && line.audit === undefined && line.clientIp === clientIp);
}

test('a pair written through nginx is read by both instances', async () => {
  const client = '127.0.0.4';
  const written = await requestFrom(client, `${nginx.url}/v4/keyvalues/nginx-e2e`, {
    method: 'POST',
    body: { key: 'run', value: 'through-nginx', ttl: 600000 },
  });
  assert.equal(written.status, 201, written.text);
  for (const instance of instances) {
    const read = await requestFrom('127.0.0.6', `${instance.service.url}/v4/keyvalues/nginx-e2e?key=run`);
    assert.equal(read.status, 200, `${instance.name}: ${read.text}`);
    assert.deepEqual(read.json(), { namespace: 'nginx-e2e', key: 'run', value: 'through-nginx' }, instance.name);
  }
  // Through nginx, round robin: consecutive reads reach both instances, and both find it.
  for (let i = 0; i < 4; i++) {
    const read = await requestFrom(client, `${nginx.url}/v4/keyvalues/nginx-e2e?key=run`);
    assert.equal(read.status, 200, read.text);
    assert.equal(read.json().value, 'through-nginx');
  }
  for (const instance of instances) {
    const reads = requestsFrom(instance, client).filter((line) => line.method === 'GET' && line.via === '127.0.0.1');
    assert.ok(reads.length >= 1, `${instance.name} served no read through nginx`);
    assert.ok(reads.every((line) => line.statusCode === 200));
  }
});

test("one client's rate limit is shared by both instances; other clients are unaffected", async () => {
  const limited = '127.0.0.2';
  const other = '127.0.0.3';
  for (let i = 1; i <= LIMIT; i++) {
    const res = await requestFrom(limited, `${nginx.url}/v4/butlerping`);
    assert.equal(res.status, 200, `request ${i}: ${res.text}`);
    assert.equal(res.headers['x-ratelimit-remaining'], String(LIMIT - i), `request ${i} was counted on its own`);
  }
  const served = instances.map((instance) => requestsFrom(instance, limited).length);
  assert.ok(served.every((count) => count >= 1 && count < LIMIT), `requests per instance: ${served.join(', ')}`);
  const refused = await requestFrom(limited, `${nginx.url}/v4/butlerping`);
  assert.equal(refused.status, 429, refused.text);
  assert.match(refused.json().message, /per client address/);
  // What the client writes in X-Forwarded-For itself does not get it a fresh bucket.
  const forged = await requestFrom(limited, `${nginx.url}/v4/butlerping`, { headers: { 'x-forwarded-for': '127.0.0.9' } });
  assert.equal(forged.status, 429, forged.text);
  // Another client, behind the same nginx, has a bucket of its own on both instances.
  for (let i = 0; i < 2; i++) {
    const res = await requestFrom(other, `${nginx.url}/v4/butlerping`);
    assert.equal(res.status, 200, res.text);
    assert.equal(res.headers['x-ratelimit-remaining'], String(LIMIT - 1 - i));
  }
});

test("the real client address is logged and audited, with nginx as 'via'; a start through nginx starts its task once", async () => {
  const client = '127.0.0.5';
  const started = simulator.sim.stats.starts.length;
  const res = await requestFrom(client, `${nginx.url}/v4/reloadtask/${APP1_TASK}/start`, {
    method: 'PUT',
    headers: { 'x-forwarded-for': '203.0.113.50' },
  });
  assert.equal(res.status, 200, res.text);
  assert.deepEqual(res.json().tasksId.started.map((task: { taskId: string }) => task.taskId), [APP1_TASK]);
  assert.deepEqual(simulator.sim.stats.starts.slice(started), [APP1_TASK]);

  const lines = instances.flatMap((instance) => instance.lines());
  const request = lines.filter((line) => line.audit === undefined && line.method === 'PUT' && line.statusCode === 200);
  assert.equal(request.length, 1, 'one request line for the one start, on one instance');
  assert.equal(request[0]!.clientIp, client);
  assert.equal(request[0]!.via, '127.0.0.1');
  assert.match(String(request[0]!.message), /^PUT \/v4\/reloadtask\/[^ ]+\/start 200 [\d.]+ms 127\.0\.0\.5 via 127\.0\.0\.1$/);
  const audits = lines.filter((line) => line.audit === true && line.action === 'startTasks');
  assert.deepEqual(
    audits.map((line) => [line.clientIp, (line.outcome as Line).started]),
    [[client, [APP1_TASK]]],
  );
  assert.ok(!lines.some((line) => JSON.stringify(line).includes('203.0.113.50')), 'the forged address reached a log');
});

test('an Idempotency-Key retried through nginx lands on the other instance, which replays the answer and starts nothing', async () => {
  const client = '127.0.0.8';
  const url = `${nginx.url}/v4/reloadtask/-/start`;
  const headers = { 'idempotency-key': 'nginx-e2e-load-42' };
  const body = [{ type: 'starttaskid', payload: { taskId: APP2_TASK } }];
  const started = simulator.sim.stats.starts.length;

  const first = await requestFrom(client, url, { method: 'PUT', headers, body });
  assert.equal(first.status, 200, first.text);
  assert.equal(first.headers['idempotent-replayed'], undefined);
  const retry = await requestFrom(client, url, { method: 'PUT', headers, body });
  assert.equal(retry.status, 200, retry.text);
  assert.equal(retry.headers['idempotent-replayed'], 'true');
  assert.deepEqual(retry.json(), first.json());
  assert.deepEqual(simulator.sim.stats.starts.slice(started), [APP2_TASK], 'the retry started the task again');
  // Round robin sent the two to different instances: the replay came from Redis, not from memory.
  const servedBy = instances.map((instance) => requestsFrom(instance, client).filter((line) => line.method === 'PUT').length);
  assert.deepEqual(servedBy, [1, 1], 'each instance answered one of the two');

  const reused = await requestFrom(client, url, { method: 'PUT', headers, body: [{ type: 'starttaskid', payload: { taskId: APP3_TASK } }] });
  assert.equal(reused.status, 409, reused.text);
  assert.equal(reused.json().code, 'ERR_IDEMPOTENCY_KEY_REUSED');
  assert.deepEqual(simulator.sim.stats.starts.slice(started), [APP2_TASK]);
});

test('/metrics is not served through nginx (the instances count apart); each instance serves its own', async () => {
  const client = '127.0.0.9';
  const proxied = await requestFrom(client, `${nginx.url}/metrics`);
  assert.equal(proxied.status, 404);
  assert.match(proxied.text, /scrape each sense-task-gateway instance at its own address/);
  for (const instance of instances) {
    const direct = await requestFrom(client, `${instance.service.url}/metrics`);
    assert.equal(direct.status, 200, `${instance.name}: ${direct.text.slice(0, 200)}`);
    assert.match(direct.text, /^stg_http_requests_total\{/m, instance.name);
  }
});

test('with one instance stopped, nginx sends every read to the other one, which has every pair', async () => {
  const client = '127.0.0.7';
  const [running, stopped] = instances;
  const written = await requestFrom(client, `${nginx.url}/v4/keyvalues/nginx-failover`, { method: 'POST', body: { key: 'k', value: 'kept' } });
  assert.equal(written.status, 201, written.text);
  stopped.stopped = true;
  await stopped.service.close();
  const before = requestsFrom(running, client).length;
  for (let i = 0; i < 4; i++) {
    const read = await requestFrom(client, `${nginx.url}/v4/keyvalues/nginx-failover?key=k`);
    assert.equal(read.status, 200, `read ${i + 1}: ${read.text}\n${await nginx.errorLog()}`);
    assert.equal(read.json().value, 'kept');
  }
  assert.equal(requestsFrom(running, client).length - before, 4, `${running.name} served every read`);
});
