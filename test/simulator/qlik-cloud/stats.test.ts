import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { UNMATCHED_ENDPOINT, type RunningQlikCloudSimulator } from '../../../src/simulator/qlik-cloud/index.js';
import { waitUntil } from '../../helpers/wait.js';
import { cloudRequest, DEMO_APPS, startReload, startTestCloudSimulator } from './cloud-request.js';

const READ_RELOAD = 'GET /api/v1/reloads/{reloadId}';

describe('Qlik Cloud simulator stats', () => {
  let sim: RunningQlikCloudSimulator;
  before(async () => {
    sim = await startTestCloudSimulator();
  });
  after(() => sim.close());

  it('counts requests by endpoint (method and route template, not the raw URL), refused ones included', async () => {
    sim.stats.reset();
    const first = await startReload(sim, { appId: DEMO_APPS.sales });
    const second = await startReload(sim, { appId: DEMO_APPS.finance });
    await cloudRequest(sim, { path: `/api/v1/reloads/${first.id}` });
    await cloudRequest(sim, { path: `/api/v1/reloads/${second.id}?x=1` });
    await cloudRequest(sim, { path: `/api/v1/reloads/${first.id}`, token: null });
    await cloudRequest(sim, { path: '/api/v2/nothing' });
    assert.equal(sim.stats.requestCount({ endpoint: READ_RELOAD }), 3);
    assert.equal(sim.stats.requestCount({ endpoint: 'POST /api/v1/reloads' }), 2);
    assert.equal(sim.stats.requestCount({ endpoint: UNMATCHED_ENDPOINT }), 1);
    assert.equal(sim.stats.requestCount({ method: 'get' }), 4);
    assert.deepEqual(
      sim.stats.requests.filter((r) => r.endpoint === READ_RELOAD).map((r) => [r.path, r.query, r.status]),
      [
        [`/api/v1/reloads/${first.id}`, '', 200],
        [`/api/v1/reloads/${second.id}`, 'x=1', 200],
        [`/api/v1/reloads/${first.id}`, '', 401],
      ],
    );
  });

  it('counts requests in a time window (since / until, epoch ms of arrival)', async () => {
    sim.stats.reset();
    await cloudRequest(sim, { path: '/api/v1/items' });
    const firstAt = sim.stats.requests[0]?.at ?? 0;
    // The next request must arrive in a later millisecond than the first for the window to split them.
    await waitUntil(() => Date.now() > firstAt, 'the clock to move on');
    const windowStart = Date.now();
    await cloudRequest(sim, { path: '/api/v1/items' });
    await cloudRequest(sim, { path: '/api/v1/collections' });
    assert.equal(sim.stats.requestCount({ since: windowStart }), 2);
    assert.equal(sim.stats.requestCount({ until: windowStart }), 1);
    assert.equal(sim.stats.requestCount({ since: windowStart, endpoint: 'GET /api/v1/items' }), 1);
  });

  it('reports the peak of requests in flight, per endpoint and overall, since the last reset', async (t) => {
    const slow = await startTestCloudSimulator();
    t.after(() => slow.close());
    slow.hooks.latencyMs = 60_000;
    const held = [1, 2, 3].map(() => cloudRequest(slow, { path: '/api/v1/items' }).catch(() => 'closed'));
    const other = cloudRequest(slow, { path: '/api/v1/collections' }).catch(() => 'closed');
    await waitUntil(() => slow.stats.peakInFlight() === 4, () => `4 requests in flight (peak ${slow.stats.peakInFlight()})`);
    assert.equal(slow.stats.peakInFlight('GET /api/v1/items'), 3);
    assert.equal(slow.stats.peakInFlight('GET /api/v1/collections'), 1);
    await slow.close();
    await Promise.all([...held, other]);
    await waitUntil(() => slow.stats.inFlight() === 0, 'the server to see the connections gone');
    slow.stats.reset();
    assert.equal(slow.stats.peakInFlight(), 0, 'nothing in flight after the reset');
  });

  it('reset() forgets requests, created reloads and token grants', async () => {
    await startReload(sim, { appId: DEMO_APPS.marketing });
    sim.stats.reset();
    assert.deepEqual([sim.stats.requests.length, sim.stats.reloadsCreated.length, sim.stats.tokenGrants], [0, 0, 0]);
  });
});
