/**
 * The behaviour every key-value backend must show, run by memory.test.ts, sqlite.test.ts
 * and redis.test.ts against a real store of each kind. Time is a fake clock handed to the
 * store, so TTL tests never sleep and never depend on the machine's speed.
 */
import assert from 'node:assert/strict';
import { describe, it, type TestContext } from 'node:test';
import type { Logger } from 'winston';
import winston from 'winston';
import type { KeyValueStoreSettings, SqliteSettings } from '../../src/config/settings.js';
import { ServiceError } from '../../src/errors.js';
import { KvLimitError, KvUnavailableError, type KvLimitName } from '../../src/kvstore/index.js';
import type { KvStore } from '../../src/kvstore/types.js';
import { createCapturingLogger } from '../helpers/logger.js';
import { waitUntil } from '../helpers/wait.js';

export type ContractLimits = Pick<
  KeyValueStoreSettings,
  'maxKeysPerNamespace' | 'maxNamespaces' | 'maxKeyLength' | 'maxValueLength' | 'maxNamespaceLength' | 'sweepIntervalMs'
>;

export interface ContractStoreOptions {
  readonly now: () => number;
  readonly limits: ContractLimits;
  readonly logger: Logger;
}

/** Opens a fresh, empty store of one backend; the contract closes it. */
export type StoreFactory = (options: ContractStoreOptions) => Promise<KvStore>;

/** Limits roomy enough for the contract's own writes; tests of a limit lower one. */
export const CONTRACT_LIMITS: ContractLimits = {
  maxKeysPerNamespace: 1000,
  maxNamespaces: 1000,
  maxKeyLength: 200,
  maxValueLength: 10000,
  maxNamespaceLength: 200,
  sweepIntervalMs: 3_600_000,
};

const MINUTE = 60_000;

/** Complete settings for a store under test: `limits` from the contract, backend details from the caller. */
export function storeSettings(
  backend: KeyValueStoreSettings['backend'],
  limits: ContractLimits,
  details: { sqlite?: Partial<SqliteSettings>; redis?: KeyValueStoreSettings['redis'] } = {},
): KeyValueStoreSettings {
  return {
    enable: true,
    backend,
    ...limits,
    sqlite: { path: 'unused.sqlite', readCacheMaxBytes: 16 * 1024 * 1024, ...details.sqlite },
    redis: details.redis ?? { url: 'redis://127.0.0.1:1', keyPrefix: 'unused' },
  };
}

export function fakeClock(start = Date.now()): { now: () => number; advance: (ms: number) => void } {
  let current = start;
  return { now: () => current, advance: (ms) => void (current += ms) };
}

async function assertLimit(operation: Promise<unknown>, limit: KvLimitName, statusCode: number): Promise<void> {
  await assert.rejects(operation, (error: unknown) => {
    assert.ok(error instanceof KvLimitError, `expected KvLimitError, got ${String(error)}`);
    assert.equal(error.code, 'ERR_KV_LIMIT');
    assert.equal(error.limit, limit);
    assert.equal(error.statusCode, statusCode);
    assert.match(error.message, new RegExp(`Butler\\.keyValueStore\\.${limit}`));
    return true;
  });
}

async function assertBadRequest(operation: Promise<unknown>, pattern: RegExp): Promise<void> {
  await assert.rejects(operation, (error: unknown) => {
    assert.ok(error instanceof ServiceError, `expected a ServiceError, got ${String(error)}`);
    assert.equal(error.statusCode, 400);
    assert.match(error.message, pattern);
    return true;
  });
}

export function kvStoreContract(backend: string, open: StoreFactory): void {
  async function openStore(
    t: TestContext,
    options: { limits?: Partial<ContractLimits>; now?: () => number; logger?: Logger } = {},
  ): Promise<KvStore> {
    const store = await open({
      now: options.now ?? Date.now,
      limits: { ...CONTRACT_LIMITS, ...options.limits },
      logger: options.logger ?? winston.createLogger({ silent: true }),
    });
    t.after(() => store.close());
    return store;
  }

  describe(`key-value store contract: ${backend}`, () => {
    it('reads back a written pair with its TTL as given', async (t) => {
      const store = await openStore(t);
      assert.deepEqual(await store.set('app', 'colour', 'blue', 5 * MINUTE), {
        namespace: 'app',
        key: 'colour',
        value: 'blue',
        ttl: 5 * MINUTE,
      });
      assert.deepEqual(await store.get('app', 'colour'), { namespace: 'app', key: 'colour', value: 'blue', ttl: 5 * MINUTE });
      assert.equal(await store.get('app', 'size'), undefined);
      assert.equal(await store.get('other', 'colour'), undefined);
    });

    it('overwrites value and TTL, and stores an empty string as a value', async (t) => {
      const store = await openStore(t);
      await store.set('app', 'k', 'first', MINUTE);
      await store.set('app', 'k', '', 0);
      assert.deepEqual(await store.get('app', 'k'), { namespace: 'app', key: 'k', value: '', ttl: 0 });
      assert.deepEqual(await store.listKeys('app'), ['k']);
    });

    it('keeps namespaces and keys apart whatever characters they contain', async (t) => {
      const store = await openStore(t);
      const pairs: Array<[string, string]> = [
        ['a:b', 'c'],
        ['a', 'b:c'],
        ['a', 'bc'],
        ['ab', 'c'],
        ['a:', 'b'],
        ['1', ':ab'],
        ['1:a', 'b'],
        ['a b', 'c d'],
        ['a*', '?'],
        ['a_%', '[x]'],
        ['Ünïcode ☃', '🙂'],
      ];
      for (const [namespace, key] of pairs) await store.set(namespace, key, `${namespace}|${key}`, 0);

      for (const [namespace, key] of pairs) {
        assert.equal((await store.get(namespace, key))?.value, `${namespace}|${key}`);
      }
      assert.deepEqual(await store.listNamespaces(), [...new Set(pairs.map(([namespace]) => namespace))].sort());
      assert.deepEqual(await store.listKeys('a'), ['b:c', 'bc']);
      assert.deepEqual(await store.listKeys('a:b'), ['c']);
      assert.deepEqual(await store.listKeys('1'), [':ab']);

      assert.equal(await store.deleteNamespace('a'), true);
      assert.equal(await store.listKeys('a'), undefined);
      assert.deepEqual(await store.listKeys('a:'), ['b']);
      assert.deepEqual(await store.listKeys('a*'), ['?']);
      assert.deepEqual(await store.listKeys('ab'), ['c']);
      assert.equal((await store.get('a:b', 'c'))?.value, 'a:b|c');
    });

    it('lists keys sorted, and nothing for an unknown namespace', async (t) => {
      const store = await openStore(t);
      for (const key of ['delta', 'alpha', 'Charlie', 'bravo']) await store.set('ns', key, 'x', 0);
      assert.deepEqual(await store.listKeys('ns'), ['Charlie', 'alpha', 'bravo', 'delta']);
      assert.equal(await store.listKeys('unknown'), undefined);
      assert.deepEqual(await store.listNamespaces(), ['ns']);
    });

    it('deletes a key, reports whether it existed, and drops a namespace with its last key', async (t) => {
      const store = await openStore(t);
      await store.set('ns', 'one', '1', 0);
      await store.set('ns', 'two', '2', 0);
      assert.equal(await store.delete('ns', 'one'), true);
      assert.equal(await store.delete('ns', 'one'), false);
      assert.equal(await store.delete('elsewhere', 'two'), false);
      assert.equal(await store.get('ns', 'one'), undefined);
      assert.deepEqual(await store.listKeys('ns'), ['two']);
      assert.equal(await store.delete('ns', 'two'), true);
      assert.equal(await store.listKeys('ns'), undefined);
      assert.deepEqual(await store.listNamespaces(), []);
    });

    it('deletes a namespace, reports whether it existed, and leaves the others', async (t) => {
      const store = await openStore(t);
      await store.set('gone', 'a', '1', 0);
      await store.set('gone', 'b', '2', MINUTE);
      await store.set('kept', 'a', '3', 0);
      assert.equal(await store.deleteNamespace('gone'), true);
      assert.equal(await store.deleteNamespace('gone'), false);
      assert.equal(await store.get('gone', 'a'), undefined);
      assert.deepEqual(await store.listNamespaces(), ['kept']);
      assert.equal((await store.get('kept', 'a'))?.value, '3');
    });

    it('expires a pair ttl ms after its latest write: not returned, listed or counted', async (t) => {
      const clock = fakeClock();
      const store = await openStore(t, { now: clock.now });
      await store.set('ns', 'short', 's', MINUTE);
      await store.set('ns', 'forever', 'f', 0);
      await store.set('brief', 'only', 'o', MINUTE);

      clock.advance(MINUTE - 1);
      assert.equal((await store.get('ns', 'short'))?.value, 's');
      assert.deepEqual(await store.listNamespaces(), ['brief', 'ns']);

      clock.advance(1);
      assert.equal(await store.get('ns', 'short'), undefined);
      assert.deepEqual(await store.listKeys('ns'), ['forever']);
      assert.equal(await store.listKeys('brief'), undefined);
      assert.deepEqual(await store.listNamespaces(), ['ns']);
      assert.equal(await store.delete('ns', 'short'), false);
      assert.equal(await store.deleteNamespace('brief'), false);
    });

    it('restarts the TTL on every write, and a write with ttl 0 removes it', async (t) => {
      const clock = fakeClock();
      const store = await openStore(t, { now: clock.now });
      await store.set('ns', 'k', 'v1', MINUTE);
      clock.advance(MINUTE - 1);
      await store.set('ns', 'k', 'v2', MINUTE);
      clock.advance(MINUTE - 1);
      assert.deepEqual(await store.get('ns', 'k'), { namespace: 'ns', key: 'k', value: 'v2', ttl: MINUTE });
      await store.set('ns', 'k', 'v3', 0);
      clock.advance(1000 * MINUTE);
      assert.deepEqual(await store.get('ns', 'k'), { namespace: 'ns', key: 'k', value: 'v3', ttl: 0 });
      await store.set('ns', 'k', 'v4', MINUTE);
      clock.advance(MINUTE);
      assert.equal(await store.get('ns', 'k'), undefined);
    });

    it('sweeps expired pairs, counting them, and keeps live ones', async (t) => {
      const clock = fakeClock();
      const store = await openStore(t, { now: clock.now });
      await store.set('ns', 'a', '1', MINUTE);
      await store.set('ns', 'b', '2', 2 * MINUTE);
      await store.set('other', 'c', '3', MINUTE);
      await store.set('other', 'd', '4', 0);
      clock.advance(MINUTE);
      assert.equal(await store.sweepExpired(), 2);
      assert.equal(await store.sweepExpired(), 0);
      assert.deepEqual(await store.listKeys('ns'), ['b']);
      assert.deepEqual(await store.listKeys('other'), ['d']);
      clock.advance(MINUTE);
      assert.equal(await store.sweepExpired(), 1);
      assert.deepEqual(await store.listNamespaces(), ['other']);
    });

    it('sweeps by itself every sweepIntervalMs', async (t) => {
      const clock = fakeClock();
      const { logger, lines } = createCapturingLogger();
      const store = await openStore(t, { now: clock.now, logger, limits: { sweepIntervalMs: 20 } });
      await store.set('ns', 'a', '1', MINUTE);
      await store.set('ns', 'b', '2', MINUTE);
      clock.advance(MINUTE);
      await waitUntil(() => lines().some((line) => line.includes('swept 2 expired pairs')), 'the periodic sweep');
      assert.equal(await store.sweepExpired(), 0, 'the periodic sweep already removed them');
    });

    it('refuses a new key in a full namespace but allows overwrites', async (t) => {
      const clock = fakeClock();
      const store = await openStore(t, { now: clock.now, limits: { maxKeysPerNamespace: 3 } });
      await store.set('full', 'a', '1', 0);
      await store.set('full', 'b', '2', 0);
      await store.set('full', 'c', '3', MINUTE);
      await assertLimit(store.set('full', 'd', '4', 0), 'maxKeysPerNamespace', 409);
      assert.equal(await store.get('full', 'd'), undefined);

      await store.set('full', 'a', 'overwritten', 0);
      await store.set('roomy', 'd', '4', 0);
      assert.equal(await store.delete('full', 'b'), true);
      await store.set('full', 'd', '4', 0);
      await assertLimit(store.set('full', 'e', '5', 0), 'maxKeysPerNamespace', 409);

      clock.advance(MINUTE);
      await store.set('full', 'e', '5', 0);
      assert.deepEqual(await store.listKeys('full'), ['a', 'd', 'e']);
    });

    it('refuses a new namespace beyond maxNamespaces', async (t) => {
      const clock = fakeClock();
      const store = await openStore(t, { now: clock.now, limits: { maxNamespaces: 2 } });
      await store.set('one', 'k', 'v', 0);
      await store.set('two', 'k', 'v', MINUTE);
      await assertLimit(store.set('three', 'k', 'v', 0), 'maxNamespaces', 409);
      await store.set('one', 'more', 'v', 0);
      assert.deepEqual(await store.listNamespaces(), ['one', 'two']);
      clock.advance(MINUTE);
      await store.set('three', 'k', 'v', 0);
      assert.deepEqual(await store.listNamespaces(), ['one', 'three']);
    });

    it('refuses names and values longer than their limits', async (t) => {
      const store = await openStore(t, { limits: { maxNamespaceLength: 5, maxKeyLength: 4, maxValueLength: 3 } });
      await store.set('12345', '1234', '123', 0);
      await assertLimit(store.set('123456', 'k', 'v', 0), 'maxNamespaceLength', 400);
      await assertLimit(store.set('ns', '12345', 'v', 0), 'maxKeyLength', 400);
      await assertLimit(store.set('ns', 'k', '1234', 0), 'maxValueLength', 413);
      assert.deepEqual(await store.listNamespaces(), ['12345']);
    });

    it('writes all pairs of setMany or none', async (t) => {
      const store = await openStore(t, { limits: { maxKeysPerNamespace: 2, maxValueLength: 5 } });
      await store.set('ns', 'a', '1', 0);

      await assertLimit(
        store.setMany([
          { namespace: 'fresh', key: 'x', value: '1', ttl: 0 },
          { namespace: 'ns', key: 'b', value: '2', ttl: 0 },
          { namespace: 'ns', key: 'c', value: '3', ttl: 0 },
        ]),
        'maxKeysPerNamespace',
        409,
      );
      await assertLimit(
        store.setMany([
          { namespace: 'fresh', key: 'x', value: '1', ttl: 0 },
          { namespace: 'ns', key: 'b', value: 'too long', ttl: 0 },
        ]),
        'maxValueLength',
        413,
      );
      assert.deepEqual(await store.listNamespaces(), ['ns']);

      await store.setMany([
        { namespace: 'ns', key: 'b', value: 'first', ttl: 0 },
        { namespace: 'ns', key: 'b', value: 'last', ttl: 0 },
        { namespace: 'fresh', key: 'x', value: '1', ttl: MINUTE },
      ]);
      assert.equal((await store.get('ns', 'b'))?.value, 'last');
      assert.deepEqual(await store.get('fresh', 'x'), { namespace: 'fresh', key: 'x', value: '1', ttl: MINUTE });
      await store.setMany([]);
    });

    it('refuses empty names, unpaired surrogates and bad TTLs as bad requests', async (t) => {
      const store = await openStore(t);
      await assertBadRequest(store.set('', 'k', 'v', 0), /namespace must not be empty/);
      await assertBadRequest(store.set('ns', '', 'v', 0), /key must not be empty/);
      await assertBadRequest(store.set('ns', 'bad\ud800', 'v', 0), /^key must be valid Unicode text \(got an unpaired UTF-16 surrogate\)$/);
      await assertBadRequest(store.set('ns', 'k', 'v', -1), /^ttl must be 0 or more \(got -1\)$/);
      await assertBadRequest(store.set('ns', 'k', 'v', 1.5), /^ttl must be a whole number of milliseconds \(got 1\.5\)$/);
      assert.deepEqual(await store.listNamespaces(), []);
    });

    it('answers KvUnavailableError once closed', async (t) => {
      const store = await openStore(t);
      await store.set('ns', 'k', 'v', 0);
      await store.close();
      await store.close();
      await assert.rejects(store.get('ns', 'k'), KvUnavailableError);
      await assert.rejects(store.set('ns', 'k', 'v', 0), (error: unknown) => {
        assert.ok(error instanceof KvUnavailableError);
        assert.equal(error.statusCode, 503);
        assert.equal(error.code, 'ERR_KV_UNAVAILABLE');
        return true;
      });
    });
  });
}
