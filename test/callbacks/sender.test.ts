/**
 * The callback sender on its own, over real HTTP to a receiver on 127.0.0.1, with its clock
 * injected: what is signed, and when.
 */
import assert from 'node:assert/strict';
import { test, type TestContext } from 'node:test';
import { createCallbackSender } from '../../src/callbacks/index.js';
import type { StartTaskCallbackSettings } from '../../src/config/settings.js';
import { signatureHolds, startReceiver } from '../helpers/callback-receiver.js';
import { createCapturingLogger } from '../helpers/logger.js';
import { waitUntil } from '../helpers/wait.js';

const SECRET = 'sender-test-secret-5d8e2a41';

function startSender(t: TestContext, settings: Partial<StartTaskCallbackSettings>, now?: () => number) {
  const { logger, lines } = createCapturingLogger();
  const sender = createCallbackSender({
    settings: { allowedUrlPrefixes: [], maxAttempts: 3, retryDelayMs: 10, timeoutMs: 10_000, secret: null, ...settings },
    logger,
    userAgent: 'sense-task-gateway/test',
    ...(now ? { now } : {}),
  });
  t.after(() => sender.stop());
  const ended = () => waitUntil(() => lines().some((line) => /delivered|not retried|giving up/.test(line)), 'the delivery to end');
  return { sender, lines, ended };
}

test('each attempt is signed with its own timestamp over the same bytes, which a receiver verifies', async (t) => {
  // Every reading of the clock is 90 s after the last; the receiver's clock is the latest reading.
  const readings: number[] = [];
  const now = () => {
    const at = 1_700_000_000_000 + readings.length * 90_000;
    readings.push(at);
    return at;
  };
  const receiver = await startReceiver(t, {
    statuses: [503],
    verify: { secret: SECRET, nowSeconds: () => Math.floor((readings.at(-1) ?? 0) / 1000) },
  });
  const { sender, ended } = startSender(t, { secret: SECRET }, now);
  // Not ASCII: the signature covers the UTF-8 bytes sent, not the characters.
  const body = { taskName: 'Försäljning ✓ 売上 🎉', n: 1 };
  sender.send(`${receiver.base}/hook`, body);
  const attempts = await receiver.got(2);
  await ended();
  assert.deepEqual(attempts.map((a) => a.verified), [true, true]);
  assert.deepEqual(attempts.map((a) => a.headers['x-stg-timestamp']), ['1700000000', '1700000090'], 'a retry is re-signed');
  assert.notEqual(attempts[0]?.headers['x-stg-signature'], attempts[1]?.headers['x-stg-signature']);
  assert.deepEqual(attempts[0]?.raw, attempts[1]?.raw);
  assert.deepEqual(attempts[0]?.body, body);
});

test('a signature checked against a stale timestamp or a changed body fails: it binds both', async (t) => {
  const receiver = await startReceiver(t);
  const { sender, ended } = startSender(t, { secret: SECRET }, () => 1_700_000_000_000);
  sender.send(`${receiver.base}/hook`, { ok: true });
  const [delivered] = await receiver.got(1);
  await ended();
  assert.ok(delivered);
  assert.equal(signatureHolds(SECRET, delivered.headers, delivered.raw, 1_700_000_000), true);
  assert.equal(signatureHolds(SECRET, delivered.headers, delivered.raw, 1_700_000_000 + 301), false, 'too old');
  assert.equal(signatureHolds(SECRET, delivered.headers, Buffer.from('{"ok":false}'), 1_700_000_000), false, 'body changed');
  const replayed = { ...delivered.headers, 'x-stg-timestamp': '1700000100' };
  assert.equal(signatureHolds(SECRET, replayed, delivered.raw, 1_700_000_100), false, 'timestamp changed');
  assert.equal(signatureHolds('another-secret-of-16+', delivered.headers, delivered.raw, 1_700_000_000), false);
});

test('without a secret, deliveries are unsigned', async (t) => {
  const receiver = await startReceiver(t);
  const { sender, ended } = startSender(t, {});
  sender.send(`${receiver.base}/hook`, { ok: true });
  const [delivered] = await receiver.got(1);
  await ended();
  assert.equal(delivered?.headers['x-stg-signature'], undefined);
  assert.equal(delivered?.headers['x-stg-timestamp'], undefined);
});
