/**
 * ?callbackUrl= end to end: the app over real HTTP, the simulator over mutual TLS, and a
 * local receiver on 127.0.0.1 that records every POST it gets (and checks signatures).
 */
import assert from 'node:assert/strict';
import { test, type TestContext } from 'node:test';
import type { WaitedStartTaskResponse } from '../../src/waiting/index.js';
import { startReceiver as startCallbackReceiver, type ReceiverOptions } from '../helpers/callback-receiver.js';
import { waitUntil } from '../helpers/wait.js';
import { call, startHarness, TASKS } from '../starttask/harness.js';

const { app1, app2 } = TASKS;

const startReceiver = (t: TestContext, options?: ReceiverOptions) => startCallbackReceiver<WaitedStartTaskResponse>(t, options);

test('a callback receives the answer with final execution states once every reload finished', async (t) => {
  const receiver = await startReceiver(t);
  const h = await startHarness(t, { settings: { startTask: { callback: { allowedUrlPrefixes: [`${receiver.base}/hooks/`] } } } });
  h.sim.hooks.executionMs = 800;
  h.sim.hooks.failingReloadIds.add(app2.taskId);
  const url = `${receiver.base}/hooks/qlik?run=42&token=s3cret`;
  const answer = await call(h.base, `/v4/reloadtask/${app1.taskId}/start?callbackUrl=${encodeURIComponent(url)}`, {
    body: [{ type: 'starttaskid', payload: { taskId: app2.taskId } }],
  });
  // The caller did not ask to wait: it gets the start answer at once.
  assert.equal(answer.status, 200);
  const started = answer.body as WaitedStartTaskResponse;
  assert.equal(started.wait, undefined);
  assert.equal(started.executions[0]?.status, undefined);

  const [delivered] = await receiver.got(1);
  assert.ok(delivered);
  assert.equal(delivered.path, '/hooks/qlik?run=42&token=s3cret');
  assert.match(String(delivered.headers['content-type']), /^application\/json/);
  assert.match(String(delivered.headers['x-callback-id']), /^[0-9a-f-]{36}$/);
  assert.match(String(delivered.headers['user-agent']), /^sense-task-gateway\//);
  assert.equal(delivered.headers['x-stg-signature'], undefined, 'no secret configured: unsigned, as before');
  assert.equal(delivered.headers['x-stg-timestamp'], undefined);
  const body = delivered.body;
  assert.deepEqual(body.tasksId, started.tasksId);
  assert.deepEqual(body.wait, { outcome: 'finished', finished: true, timeoutSeconds: 3600 });
  assert.deepEqual(
    body.executions.map((e) => [e.taskId, e.executionSessionId, e.status]),
    started.executions.map((e) => [e.taskId, e.executionSessionId, e.taskId === app2.taskId ? 'FinishedFail' : 'FinishedSuccess']),
  );
  assert.match(body.executions.find((e) => e.taskId === app2.taskId)?.scriptLogTail ?? '', /fail/i);
  // The receiver has the POST before the gateway has read the receiver's answer and logged it.
  await waitUntil(() => h.logLines().some((line) => line.includes('delivered')), 'the delivery to be logged');
  assert.ok(!h.logLines().some((line) => line.includes('s3cret')), "the callback URL's query (a token) is never logged");
});

test('with wait=true and a callback, the caller and the receiver get the same answer', async (t) => {
  const receiver = await startReceiver(t);
  const h = await startHarness(t, { settings: { startTask: { callback: { allowedUrlPrefixes: [`${receiver.base}/`] } } } });
  h.sim.hooks.executionMs = 500;
  const url = encodeURIComponent(`${receiver.base}/done`);
  const answer = await call(h.base, `/v4/reloadtask/${app1.taskId}/start?wait=true&timeoutSeconds=60&callbackUrl=${url}`);
  const [delivered] = await receiver.got(1);
  assert.deepEqual(delivered?.body, answer.body);
  assert.equal((answer.body as WaitedStartTaskResponse).executions[0]?.status, 'FinishedSuccess');
});

test('a failed delivery is retried with backoff, each attempt logged', async (t) => {
  const receiver = await startReceiver(t, { statuses: [503, 500] });
  const h = await startHarness(t, {
    settings: { startTask: { callback: { allowedUrlPrefixes: [`${receiver.base}/`], retryDelayMs: 50, maxAttempts: 5 } } },
  });
  await call(h.base, `/v4/reloadtask/${app1.taskId}/start?callbackUrl=${encodeURIComponent(`${receiver.base}/cb`)}`);
  const attempts = await receiver.got(3);
  assert.equal(new Set(attempts.map((a) => a.headers['x-callback-id'])).size, 1, 'one callback id across retries');
  const deadline = Date.now() + 10_000;
  while (!h.logLines().some((line) => line.includes('attempt 3/5: HTTP 200, delivered'))) {
    assert.ok(Date.now() < deadline, 'the delivery was not logged');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  const logged = h.logLines().filter((line) => line.includes('Callback '));
  assert.match(logged[0] ?? '', /attempt 1\/5: HTTP 503; retrying in 50 ms/);
  assert.match(logged[1] ?? '', /attempt 2\/5: HTTP 500; retrying in 100 ms/);
});

test('a receiver that refuses (4xx) is not retried; one that never works is given up after maxAttempts', async (t) => {
  const refusing = await startReceiver(t, { statuses: [404] });
  const failing = await startReceiver(t, { statuses: [500, 500] });
  const h = await startHarness(t, {
    settings: {
      startTask: { callback: { allowedUrlPrefixes: [`${refusing.base}/`, `${failing.base}/`], retryDelayMs: 20, maxAttempts: 2 } },
    },
  });
  await call(h.base, `/v4/reloadtask/${app1.taskId}/start?callbackUrl=${encodeURIComponent(`${refusing.base}/x`)}`);
  await call(h.base, `/v4/reloadtask/${app2.taskId}/start?callbackUrl=${encodeURIComponent(`${failing.base}/y`)}`);
  await refusing.got(1);
  await failing.got(2);
  const deadline = Date.now() + 10_000;
  const done = () => h.logLines().filter((line) => /not retried|giving up/.test(line));
  while (done().length < 2) {
    assert.ok(Date.now() < deadline, 'both deliveries should have ended');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  assert.equal(refusing.received.length, 1);
  assert.equal(failing.received.length, 2);
});

test('with a secret, every attempt is signed and a receiver checks it with node:crypto; the secret is never logged', async (t) => {
  const secret = 'cb-secret-7f3a9c1e5b2d4f60';
  const receiver = await startReceiver(t, { statuses: [503], verify: { secret } });
  const h = await startHarness(t, {
    settings: { startTask: { callback: { allowedUrlPrefixes: [`${receiver.base}/hooks`], retryDelayMs: 20, secret } } },
  });
  const before = Math.floor(Date.now() / 1000);
  await call(h.base, `/v4/reloadtask/${app1.taskId}/start?callbackUrl=${encodeURIComponent(`${receiver.base}/hooks?run=7`)}`);
  const attempts = await receiver.got(2);
  await waitUntil(() => h.logLines().some((line) => line.includes('attempt 2/5: HTTP 200, delivered')), 'the delivery to be logged');
  assert.deepEqual(attempts.map((a) => a.verified), [true, true], 'both attempts carry a valid signature');
  for (const { headers } of attempts) {
    assert.match(String(headers['x-stg-signature']), /^sha256=[0-9a-f]{64}$/);
    const timestamp = Number(headers['x-stg-timestamp']);
    assert.ok(timestamp >= before && timestamp <= Math.floor(Date.now() / 1000), `timestamp ${timestamp} is the send time`);
  }
  assert.deepEqual(attempts[1]?.raw, attempts[0]?.raw, 'the same bytes on every attempt');
  assert.equal(attempts[0]?.body.executions[0]?.taskId, app1.taskId);
  assert.ok(!h.logLines().some((line) => line.includes(secret)), 'the secret is not in the log');
});

test('a prefix without a trailing "/" admits its own path segment only; encoded slashes in the path are a 400', async (t) => {
  const receiver = await startReceiver(t);
  const h = await startHarness(t, { settings: { startTask: { callback: { allowedUrlPrefixes: [`${receiver.base}/hooks`] } } } });
  const refused: Array<[string, RegExp]> = [
    [`${receiver.base}/hooksevil/`, /must start with one of Butler\.startTaskCallback\.allowedUrlPrefixes, at a path segment boundary/],
    [`${receiver.base}/hooksevil`, /at a path segment boundary/],
    [`${receiver.base}/hooks/..%2Fadmin`, /must not have an encoded slash or backslash \(%2F, %5C\) in its path \(got http:\/\/127\.0\.0\.1:\d+\/hooks\/\.\.%2Fadmin\)/],
    [`${receiver.base}/hooks/..%2fadmin`, /encoded slash or backslash/],
    [`${receiver.base}/hooks/..%5Cadmin`, /encoded slash or backslash/],
    [`${receiver.base}/hooks/..%5cadmin`, /encoded slash or backslash/],
  ];
  for (const [url, message] of refused) {
    const answer = await call(h.base, `/v4/reloadtask/${app1.taskId}/start?callbackUrl=${encodeURIComponent(url)}`);
    assert.equal(answer.status, 400, url);
    assert.match(String((answer.body as { message: string }).message), message, url);
  }
  assert.equal(h.sim.stats.requestCount(), 0, 'nothing was looked up or started');

  for (const path of ['/hooks', '/hooks/qlik', '/hooks?run=1']) {
    const answer = await call(h.base, `/v4/reloadtask/${app1.taskId}/start?callbackUrl=${encodeURIComponent(`${receiver.base}${path}`)}`);
    assert.equal(answer.status, 200, path);
  }
  const delivered = await receiver.got(3);
  assert.deepEqual(delivered.map((r) => r.path).sort(), ['/hooks', '/hooks/qlik', '/hooks?run=1']);
});

test('a callbackUrl off the allow-list is a 400 before anything starts, and nothing is sent', async (t) => {
  const receiver = await startReceiver(t);
  const h = await startHarness(t, { settings: { startTask: { callback: { allowedUrlPrefixes: [`${receiver.base}/hooks/`] } } } });
  const refused = [
    `${receiver.base}/admin`,
    `${receiver.base}/hooks/../admin`,
    `${receiver.base.replace('127.0.0.1', 'localhost')}/hooks/x`,
    `${receiver.base}@169.254.169.254/hooks/`,
    'file:///etc/passwd',
    'not a url',
  ];
  for (const url of refused) {
    const answer = await call(h.base, `/v4/reloadtask/${app1.taskId}/start?wait=true&callbackUrl=${encodeURIComponent(url)}`);
    assert.equal(answer.status, 400, url);
    assert.match(String((answer.body as { message: string }).message), /callbackUrl/);
  }
  assert.equal(h.sim.stats.requestCount(), 0, 'nothing was looked up or started');
  // Give a wrongly accepted callback the time it would need to arrive.
  await new Promise((resolve) => setTimeout(resolve, 300));
  assert.equal(receiver.received.length, 0);
});

test('callbacks are off by default: any callbackUrl is a 400', async (t) => {
  const receiver = await startReceiver(t);
  const h = await startHarness(t);
  const answer = await call(h.base, `/v4/reloadtask/${app1.taskId}/start?callbackUrl=${encodeURIComponent(`${receiver.base}/`)}`);
  assert.equal(answer.status, 400);
  assert.match(String((answer.body as { message: string }).message), /callbacks are off/);
  assert.equal(h.sim.stats.requestCount(), 0);
});
