/**
 * Who the client is, over real HTTP from real loopback source addresses: X-Forwarded-For is
 * ignored unless the connection's peer is listed in `trustProxy`; then the right-most
 * address in it that is not a listed proxy is the client. Checked where it matters: the
 * request log line, the audit line and the rate-limit bucket.
 */
import assert from 'node:assert/strict';
import { test, type TestContext } from 'node:test';
import { createKvStore } from '../../src/kvstore/index.js';
import { createMemoryHitCounter } from '../../src/ratelimit/index.js';
import { buildTestApp, listen, testSettings } from '../helpers/app.js';
import { requestFrom } from '../helpers/http-from.js';
import { createCapturingLogger } from '../helpers/logger.js';

const LIMIT = 3;
const CLIENT = '127.0.0.2';
const OTHER_CLIENT = '127.0.0.3';

type Line = Record<string, unknown>;

/** The app with a memory store, a rate limit of LIMIT per minute (a clock that never moves) and a capturing logger. */
async function startApp(t: TestContext, trustProxy: string[]) {
  const { logger, lines } = createCapturingLogger('info');
  const settings = testSettings({ server: { trustProxy, rateLimit: { maxPerMinute: LIMIT } } });
  const kv = await createKvStore(settings.keyValueStore, { logger });
  t.after(() => kv.close());
  const app = await buildTestApp({
    settings,
    kv,
    logger,
    rateLimitCounter: createMemoryHitCounter({ now: () => 1_000_000 }),
  });
  t.after(() => app.close());
  const base = await listen(app);
  const parsed = (): Line[] => lines().map((line) => JSON.parse(line) as Line);
  return {
    /** GET /v4/butlerping from `from`, with X-Forwarded-For when given. */
    ping: (from: string, forwardedFor?: string) =>
      requestFrom(from, `${base}/v4/butlerping`, { headers: forwardedFor === undefined ? {} : { 'x-forwarded-for': forwardedFor } }),
    write: (from: string, forwardedFor: string) =>
      requestFrom(from, `${base}/v4/keyvalues/trust-proxy`, {
        method: 'POST',
        body: { key: 'k', value: 'v' },
        headers: { 'x-forwarded-for': forwardedFor },
      }),
    requestLines: (): Line[] => parsed().filter((line) => typeof line.statusCode === 'number' && line.audit === undefined),
    auditLines: (): Line[] => parsed().filter((line) => line.audit === true),
  };
}

const FORGED = ['203.0.113.7', '198.51.100.1, 203.0.113.8', OTHER_CLIENT, 'unknown', '10.0.0.1, 127.0.0.9'];

for (const [name, trustProxy] of [
  ['without trustProxy', []],
  ['from a peer trustProxy does not list', ['127.0.0.9', '10.0.0.0/8', 'fd00::/8']],
] as const) {
  test(`${name}, a forged X-Forwarded-For changes neither the logged client address nor the rate-limit bucket`, async (t) => {
    const app = await startApp(t, [...trustProxy]);
    const written = await app.write(CLIENT, FORGED[0]!);
    assert.equal(written.status, 201, written.text);
    for (const forged of FORGED.slice(1, LIMIT)) assert.equal((await app.ping(CLIENT, forged)).status, 200, forged);
    // Every request so far came from CLIENT: its bucket is full whatever the header says.
    for (const forged of FORGED.slice(LIMIT)) {
      const refused = await app.ping(CLIENT, forged);
      assert.equal(refused.status, 429, `X-Forwarded-For: ${forged} got a fresh bucket`);
      assert.match(refused.json().message, /per client address/);
    }
    assert.equal((await app.ping(CLIENT)).status, 429);
    // Another real address has a bucket of its own (the limit is per client, not global).
    assert.equal((await app.ping(OTHER_CLIENT, CLIENT)).status, 200);

    const requests = app.requestLines();
    assert.equal(requests.length, FORGED.length + 2);
    assert.deepEqual(
      requests.map((line) => line.clientIp),
      [...Array<string>(FORGED.length + 1).fill(CLIENT), OTHER_CLIENT],
    );
    assert.ok(requests.every((line) => line.via === undefined), 'a request that was not forwarded names a proxy');
    assert.ok(requests.every((line) => !String(line.message).includes('203.0.113')), 'a forged address reached the log');
    assert.deepEqual(
      app.auditLines().map((line) => [line.action, line.clientIp]),
      [['setKeyValue', CLIENT]],
    );
    assert.match(String(app.auditLines()[0]!.message), new RegExp(`from ${CLIENT.replace(/\./g, '\\.')} setKeyValue`));
  });
}

test('from a listed proxy, the right-most untrusted X-Forwarded-For address is the client: logged, audited, its own bucket', async (t) => {
  const app = await startApp(t, [CLIENT, '10.0.0.0/8']);
  assert.equal((await app.write(CLIENT, '203.0.113.7')).status, 201);
  // What a caller wrote left of the address the proxy appended is ignored.
  assert.equal((await app.ping(CLIENT, '198.51.100.1, 203.0.113.7')).status, 200);
  // A chain of listed proxies (the second one at 10.1.2.3) is walked through.
  assert.equal((await app.ping(CLIENT, '203.0.113.7, 10.1.2.3')).status, 200);
  const refused = await app.ping(CLIENT, '203.0.113.7');
  assert.equal(refused.status, 429, "203.0.113.7's bucket holds its three requests");
  // Other clients behind the same proxy, and the proxy itself, are not affected.
  assert.equal((await app.ping(CLIENT, '203.0.113.8')).status, 200);
  assert.equal((await app.ping(CLIENT)).status, 200);
  // The header is still ignored from a peer that is not listed.
  assert.equal((await app.ping(OTHER_CLIENT, '203.0.113.9')).status, 200);

  assert.deepEqual(
    app.requestLines().map((line) => [line.clientIp, line.via]),
    [
      ['203.0.113.7', CLIENT],
      ['203.0.113.7', CLIENT],
      ['203.0.113.7', CLIENT],
      ['203.0.113.7', CLIENT],
      ['203.0.113.8', CLIENT],
      [CLIENT, undefined],
      [OTHER_CLIENT, undefined],
    ],
  );
  assert.match(String(app.requestLines()[1]!.message), /^GET \/v4\/butlerping 200 [\d.]+ms 203\.0\.113\.7 via 127\.0\.0\.2$/);
  const [audit, ...more] = app.auditLines();
  assert.equal(more.length, 0);
  assert.equal(audit!.clientIp, '203.0.113.7');
  assert.match(String(audit!.message), /from 203\.0\.113\.7 setKeyValue/);
});
