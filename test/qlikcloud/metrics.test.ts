/**
 * stg_qlik_cloud_requests_total and stg_qlik_cloud_request_duration_seconds from the real
 * client against the simulator: one sample per request sent (a rate-limited one and its
 * retry are two), labelled by operation and status class, never by an app or reload id.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createServiceMetrics } from '../../src/metrics/index.js';
import { qlikCloudOperationOf, statusClassOf } from '../../src/metrics/qlik-cloud-operation.js';
import { createVirtualClock } from '../helpers/virtual-clock.js';
import { cloudClientFor, startCloudSimulator } from './harness.js';

test('operations are paths with placeholders for ids; anything unlisted is "other"', () => {
  assert.equal(qlikCloudOperationOf('GET', '/api/v1/reloads/65f1c2d3e4a5b6c7d8e9f0a1'), 'GET /api/v1/reloads/{id}');
  assert.equal(qlikCloudOperationOf('GET', '/api/v1/apps/a-1/reloads/logs/r-1'), 'GET /api/v1/apps/{appId}/reloads/logs/{reloadId}');
  assert.equal(qlikCloudOperationOf('GET', '/api/v1/collections/c1/items'), 'GET /api/v1/collections/{id}/items');
  for (const path of ['/api/v1/reloads', '/api/v1/items', '/api/v1/collections', '/oauth/token']) {
    assert.equal(qlikCloudOperationOf('POST', path), `POST ${path}`);
  }
  assert.equal(qlikCloudOperationOf('GET', '/api/v1/apps/5a1e0c3b'), 'GET other');
  assert.deepEqual([200, 201, 404, 429, 503, undefined].map(statusClassOf), ['2xx', '2xx', '4xx', '4xx', '5xx', 'none']);
});

test('every request sent is counted and timed by operation and status class, without ids', async (t) => {
  const sim = await startCloudSimulator(t, { reloadMs: Number.POSITIVE_INFINITY });
  const metrics = createServiceMetrics();
  const client = cloudClientFor(t, sim, { metrics, clock: createVirtualClock({ autoAdvance: true }) });
  const appId = sim.apps[0]?.id ?? assert.fail('the demo fixture has apps');
  sim.hooks.rateLimitNextStarts = 1;
  const started = await client.startReload(appId, { partial: false, variables: {} });
  assert.ok(started.started);
  sim.reloads.finish(started.reloadId, 'FAILED');
  await client.getReload(started.reloadId);
  assert.equal(await client.getReload('unknown-reload'), undefined);
  await client.readScriptLog(appId, started.reloadId);

  const text = await metrics.registry.metrics();
  const series = text.split('\n').filter((line) => line.startsWith('stg_qlik_cloud_requests_total{'));
  assert.deepEqual(series.sort(), [
    'stg_qlik_cloud_requests_total{operation="GET /api/v1/apps/{appId}/reloads/logs/{reloadId}",status="2xx"} 1',
    'stg_qlik_cloud_requests_total{operation="GET /api/v1/reloads/{id}",status="2xx"} 1',
    'stg_qlik_cloud_requests_total{operation="GET /api/v1/reloads/{id}",status="4xx"} 1',
    'stg_qlik_cloud_requests_total{operation="POST /api/v1/reloads",status="2xx"} 1',
    'stg_qlik_cloud_requests_total{operation="POST /api/v1/reloads",status="4xx"} 1',
  ]);
  assert.match(text, /stg_qlik_cloud_request_duration_seconds_count\{operation="POST \/api\/v1\/reloads",status="2xx"\} 1/);
  for (const id of [appId, started.reloadId, 'unknown-reload']) assert.ok(!text.includes(id), `${id} in the metrics`);
});
