/**
 * Authentication against the Qlik Cloud simulator: OAuth client credentials fetched once for
 * concurrent callers, renewed at 90% of their lifetime, fetched anew once after a 401 (reads
 * and starts sent once more); wrong client credentials and a refused API key fail clearly.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { QlikCloudResponseError } from '../../src/qlikcloud/index.js';
import { createVirtualClock } from '../helpers/virtual-clock.js';
import { CLOUD_CLIENT_ID, cloudClientFor, startCloudSimulator } from './harness.js';

const TOKEN = 'POST /oauth/token';
const UNKNOWN_RELOAD = '0123456789abcdef01234567';

test('concurrent calls share one token request; the token is reused until 90% of its lifetime has passed', async (t) => {
  const sim = await startCloudSimulator(t, { tokenLifetimeMs: 100_000 });
  const clock = createVirtualClock({ autoAdvance: true });
  const client = cloudClientFor(t, sim, { auth: 'oauth', clock });
  await Promise.all(Array.from({ length: 10 }, () => client.getReload(UNKNOWN_RELOAD)));
  assert.equal(sim.stats.tokenGrants, 1);
  clock.advance(89_000);
  await client.getReload(UNKNOWN_RELOAD);
  assert.equal(sim.stats.tokenGrants, 1, 'still fresh at 89%');
  clock.advance(1_000);
  await client.getReload(UNKNOWN_RELOAD);
  assert.equal(sim.stats.tokenGrants, 2, 'renewed at 90%');
  assert.equal(sim.stats.requestCount({ endpoint: 'GET /api/v1/reloads/{reloadId}' }), 12);
  assert.equal(sim.stats.requests.filter((request) => request.status === 401).length, 0, 'never sent an expired token');
});

test('a 401 fetches one new token for all callers, and each call is sent once more: reads and starts', async (t) => {
  const sim = await startCloudSimulator(t, { reloadMs: 0 });
  const client = cloudClientFor(t, sim, { auth: 'oauth' });
  await client.probe();
  sim.expireTokens();
  await Promise.all(Array.from({ length: 5 }, () => client.getReload(UNKNOWN_RELOAD)));
  assert.equal(sim.stats.tokenGrants, 2, 'one new token for the five refused reads');
  assert.equal(sim.stats.requests.filter((request) => request.status === 401).length, 5);

  sim.expireTokens();
  const appId = sim.apps[0]?.id ?? '';
  const result = await client.startReload(appId, { partial: false, variables: {} });
  assert.ok(result.started, 'a 401 start started nothing: sent once more with a new token');
  assert.equal(sim.stats.reloadsCreated.length, 1);
  assert.equal(sim.stats.tokenGrants, 3);
});

test('a call refused again after a new token fails with 502 instead of asking forever', async (t) => {
  const sim = await startCloudSimulator(t, { tokenLifetimeMs: 0 });
  const client = cloudClientFor(t, sim, { auth: 'oauth' });
  await assert.rejects(client.probe(), (error: unknown) => {
    assert.ok(error instanceof QlikCloudResponseError);
    assert.equal(error.status, 401);
    return true;
  });
  assert.equal(sim.stats.tokenGrants, 2);
  assert.equal(sim.stats.requestCount({ endpoint: 'GET /api/v1/items' }), 2);
});

test('wrong client credentials: the token request fails with 502 naming the keys to check, and is not repeated', async (t) => {
  const sim = await startCloudSimulator(t);
  const client = cloudClientFor(t, sim, {
    settings: { credentials: { kind: 'oauth', clientId: CLOUD_CLIENT_ID, clientSecret: 'wrong-secret-value' } },
  });
  await assert.rejects(client.getReload(UNKNOWN_RELOAD), (error: unknown) => {
    assert.ok(error instanceof QlikCloudResponseError, String(error));
    assert.deepEqual([error.method, error.endpoint, error.status, error.errorCode], ['POST', '/oauth/token', 401, 'invalid_client']);
    assert.match(error.message, /check Butler\.qlikCloud\.oauth\.clientId and clientSecret/);
    return true;
  });
  assert.equal(sim.stats.requestCount({ endpoint: TOKEN }), 1);
  assert.equal(sim.stats.requestCount({ endpoint: 'GET /api/v1/reloads/{reloadId}' }), 0);
});
