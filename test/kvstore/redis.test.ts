import assert from 'node:assert/strict';
import { after, describe, it, type TestContext } from 'node:test';
import { createClient } from '@keyv/redis';
import winston, { type Logger } from 'winston';
import { createKvStore, KvLimitError, KvUnavailableError } from '../../src/kvstore/index.js';
import type { KvStore } from '../../src/kvstore/types.js';
import { redisBase, redisPairKey } from '../../src/kvstore/redis-keys.js';
import { createCapturingLogger } from '../helpers/logger.js';
import { freePort } from '../helpers/process.js';
import { startRedis } from '../helpers/redis.js';
import { CONTRACT_LIMITS, kvStoreContract, storeSettings, type ContractLimits } from './contract.js';

const server = await startRedis();
after(() => server.stop());

let prefixes = 0;
kvStoreContract('redis', ({ now, limits, logger }) =>
  createKvStore(storeSettings('redis', limits, { redis: { url: server.url, keyPrefix: `contract-${++prefixes}` } }), {
    logger,
    now,
  }),
);

const LIMITS = CONTRACT_LIMITS;
const silent = winston.createLogger({ silent: true });
// Guards the tests that stop or freeze Redis: a regression that hangs fails instead.
const NO_HANG = { timeout: 60_000 };

async function openStore(
  t: TestContext,
  url: string,
  keyPrefix: string,
  options: { limits?: Partial<ContractLimits>; logger?: Logger } = {},
): Promise<KvStore> {
  const settings = storeSettings('redis', { ...LIMITS, ...options.limits }, { redis: { url, keyPrefix } });
  const store = await createKvStore(settings, { logger: options.logger ?? silent });
  t.after(() => store.close());
  return store;
}

async function rawClient(t: TestContext, url: string) {
  const client = createClient({ url });
  await client.connect();
  t.after(() => client.close());
  return client;
}

/** Retries `attempt` until it resolves; Redis needs a moment to come back and the client to reconnect. */
async function eventually<T>(attempt: () => Promise<T>): Promise<T> {
  const deadline = Date.now() + 20_000;
  for (;;) {
    try {
      return await attempt();
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
}

const isUnavailable = (error: unknown) => {
  assert.ok(error instanceof KvUnavailableError, `expected KvUnavailableError, got ${String(error)}`);
  assert.equal(error.statusCode, 503);
  assert.match(error.message, /key-value backend \(redis\) failed/);
  assert.ok(error.cause instanceof Error, 'the Redis error is kept as cause');
  return true;
};

describe('redis key-value backend', () => {
  it('shares pairs, TTLs and limits between two stores on one Redis', async (t) => {
    const first = await openStore(t, server.url, 'shared', { limits: { maxKeysPerNamespace: 2 } });
    const second = await openStore(t, server.url, 'shared', { limits: { maxKeysPerNamespace: 2 } });
    const raw = await rawClient(t, server.url);

    await first.set('app one', 'k:1', 'v1', 60_000);
    assert.deepEqual(await second.get('app one', 'k:1'), { namespace: 'app one', key: 'k:1', value: 'v1', ttl: 60_000 });
    assert.deepEqual(await second.listNamespaces(), ['app one']);
    const pttl = await raw.pTTL(redisPairKey(redisBase('shared'), 'app one', 'k:1'));
    assert.ok(pttl > 0 && pttl <= 60_000, `Redis holds the TTL itself (PTTL ${pttl})`);

    await second.set('app one', 'k:2', 'v2', 0);
    await assert.rejects(first.set('app one', 'k:3', 'v3', 0), KvLimitError);
    assert.equal(await second.delete('app one', 'k:1'), true);
    assert.equal(await first.get('app one', 'k:1'), undefined);
    assert.deepEqual(await first.listKeys('app one'), ['k:2']);
  });

  it('lets Redis expire a pair by itself', async (t) => {
    const first = await openStore(t, server.url, 'expiry');
    const second = await openStore(t, server.url, 'expiry');
    const raw = await rawClient(t, server.url);
    const pairKey = redisPairKey(redisBase('expiry'), 'ns', 'short');

    await first.set('ns', 'short', 'v', 300);
    await eventually(async () => assert.equal(await raw.exists(pairKey), 0, 'Redis removed the pair without a sweep'));
    assert.equal(await second.get('ns', 'short'), undefined);
    assert.equal(await second.listKeys('ns'), undefined);
  });

  it('keeps stores with different key prefixes apart', async (t) => {
    const blue = await openStore(t, server.url, 'blue');
    const green = await openStore(t, server.url, 'green');
    await blue.set('ns', 'k', 'blue', 0);
    assert.equal(await green.get('ns', 'k'), undefined);
    assert.deepEqual(await green.listNamespaces(), []);
  });

  it('answers KvUnavailableError at once while Redis is down, logs it once, and recovers', NO_HANG, async (t) => {
    const own = await startRedis();
    t.after(() => own.stop());
    const { logger, lines } = createCapturingLogger();
    const store = await openStore(t, own.url, 'outage', { logger });
    await store.set('ns', 'before', 'v', 0);

    await own.stop();
    await assert.rejects(store.set('ns', 'during', 'v', 0), isUnavailable);
    await assert.rejects(store.get('ns', 'before'), isUnavailable);
    await assert.rejects(store.listNamespaces(), isUnavailable);
    const errors = lines().filter((line) => JSON.parse(line).level === 'error');
    assert.equal(errors.length, 1, `one error line per outage, got:\n${errors.join('\n')}`);
    assert.match(errors[0] ?? '', /key-value backend \(redis\) failed: .*Redis is not connected/);

    const restarted = await startRedis(own.port);
    t.after(() => restarted.stop());
    await eventually(() => store.set('ns', 'after', 'v', 0));
    assert.equal((await store.get('ns', 'after'))?.value, 'v');
    assert.ok(lines().some((line) => line.includes('key-value backend (redis) works again')));
  });

  it('fails a request instead of hanging when Redis stops answering', NO_HANG, async (t) => {
    const own = await startRedis();
    t.after(() => own.stop());
    const store = await openStore(t, own.url, 'frozen');
    await store.set('ns', 'k', 'v', 0);

    own.pause();
    await assert.rejects(store.get('ns', 'k'), isUnavailable);
    own.resume();
    assert.equal((await eventually(() => store.get('ns', 'k')))?.value, 'v');
  });

  it('starts while Redis is unreachable and works once Redis is up', NO_HANG, async (t) => {
    const port = await freePort();
    const { logger, lines } = createCapturingLogger();
    const store = await openStore(t, `redis://127.0.0.1:${port}`, 'late', { logger });
    assert.ok(lines().some((line) => line.includes(`Redis at 127.0.0.1:${port} is not reachable yet (connect ECONNREFUSED`)));
    await assert.rejects(store.get('ns', 'k'), isUnavailable);

    const late = await startRedis(port);
    t.after(() => late.stop());
    await eventually(() => store.set('ns', 'k', 'v', 0));
    assert.equal((await store.get('ns', 'k'))?.value, 'v');
  });
});
