/**
 * GET /metrics end to end: the composition root (startService) with the real QRS client over
 * mutual TLS to the simulator and a real SQLite file, scraped over real HTTP.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, test, type TestContext } from 'node:test';
import { loadSettings } from '../../src/config/index.js';
import type { Settings } from '../../src/config/settings.js';
import { startService, type RunningService } from '../../src/service.js';
import { startQlikCloudSimulator } from '../../src/simulator/qlik-cloud/index.js';
import { AUTH_ON, bearer, KEYS, sha256Hex } from '../helpers/api-keys.js';
import { testSettings, type DeepPartial } from '../helpers/app.js';
import { createCapturingLogger } from '../helpers/logger.js';
import { qrsSettingsOf, startTestSimulator, type TestSimulator } from '../helpers/simulator.js';
import { TASKS } from '../starttask/harness.js';

let simulator: TestSimulator;
let dataDir: string;

before(async () => {
  simulator = await startTestSimulator();
  dataDir = mkdtempSync(path.join(tmpdir(), 'stg-metrics-'));
});
after(async () => {
  await simulator.close();
  rmSync(dataDir, { recursive: true, force: true });
});

let instances = 0;

async function start(t: TestContext, overrides: DeepPartial<Settings> = {}): Promise<RunningService> {
  instances += 1;
  const settings = testSettings({
    ...overrides,
    server: { host: '127.0.0.1', port: 0, ...overrides.server },
    keyValueStore: { backend: 'sqlite', sqlite: { path: path.join(dataDir, `kv-${instances}.sqlite`) } },
    qrs: { retries: 0, ...qrsSettingsOf(simulator) },
  });
  const service = await startService(settings, createCapturingLogger('info').logger, '0.0.0-test');
  t.after(() => service.close());
  return service;
}

async function send(base: string, pathAndQuery: string, init: RequestInit = {}): Promise<Response> {
  const res = await fetch(`${base}${pathAndQuery}`, init);
  await res.arrayBuffer();
  return res;
}

async function scrape(base: string, headers: Record<string, string> = {}): Promise<{ status: number; type: string; text: string }> {
  const res = await fetch(`${base}/metrics`, { headers });
  return { status: res.status, type: res.headers.get('content-type') ?? '', text: await res.text() };
}

/** Every sample line of a series, label sets as written, mapped to their values. */
function samples(text: string, name: string): Map<string, number> {
  const found = new Map<string, number>();
  for (const line of text.split('\n')) {
    const match = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{.*\})? (\S+)$/.exec(line);
    if (match?.[1] === name) found.set(match[2] ?? '', Number(match[3]));
  }
  return found;
}

function value(text: string, name: string, labels = ''): number | undefined {
  return samples(text, name).get(labels);
}

test('GET /metrics: Prometheus text with the stg_ series, counting what the service did', async (t) => {
  const service = await start(t);
  const json = { 'content-type': 'application/json' };
  assert.equal((await send(service.url, '/v4/keyvalues/params', { method: 'POST', headers: json, body: '{"key":"k","value":"v"}' })).status, 201);
  assert.equal((await send(service.url, '/v4/keyvalues/params?key=k')).status, 200);
  assert.equal((await send(service.url, '/v4/keyvalues/params?key=missing')).status, 404);
  const body = JSON.stringify([
    { type: 'starttaskid', payload: { taskId: TASKS.app1.taskId } },
    { type: 'starttaskid', payload: { taskId: 'not-a-guid' } },
    { type: 'starttaskid', payload: { taskId: TASKS.disabled.taskId } },
  ]);
  assert.equal((await send(service.url, '/v4/reloadtask/-/start', { method: 'PUT', headers: json, body })).status, 200);

  const { status, type, text } = await scrape(service.url);
  assert.equal(status, 200);
  assert.match(type, /^text\/plain; version=0\.0\.4/);
  assert.equal(value(text, 'stg_http_requests_total', '{route="/v4/keyvalues/:namespace",method="GET",status="200"}'), 1);
  assert.equal(value(text, 'stg_http_requests_total', '{route="/v4/keyvalues/:namespace",method="GET",status="404"}'), 1);
  assert.equal(value(text, 'stg_http_requests_total', '{route="/v4/keyvalues/:namespace",method="POST",status="201"}'), 1);
  assert.equal(value(text, 'stg_http_requests_total', '{route="/v4/reloadtask/:taskId/start",method="PUT",status="200"}'), 1);
  assert.equal(value(text, 'stg_http_request_duration_seconds_count', '{route="/v4/keyvalues/:namespace"}'), 3);
  assert.equal(value(text, 'stg_http_request_duration_seconds_bucket', '{le="+Inf",route="/v4/keyvalues/:namespace"}'), 3);

  assert.equal(value(text, 'stg_tasks_started_total', '{backend="qlik-sense"}'), 1);
  assert.equal(value(text, 'stg_tasks_started_total', '{backend="qlik-cloud"}'), 0, 'each backend has its series from the start');
  assert.equal(value(text, 'stg_tasks_invalid_total'), 1);
  assert.equal(value(text, 'stg_tasks_failed_total'), 1, 'the disabled task');
  assert.equal(value(text, 'stg_tasks_denied_total'), 0);
  assert.equal(value(text, 'stg_tasks_unconfirmed_total'), 0);

  assert.equal(value(text, 'stg_qrs_requests_total', '{operation="GET /task/full",outcome="ok"}'), 1);
  assert.equal(value(text, 'stg_qrs_requests_total', '{operation="POST /task/{id}/start/synchronous",outcome="ok"}'), 1);
  assert.equal(value(text, 'stg_qrs_request_duration_seconds_count', '{operation="POST /task/{id}/start/synchronous"}'), 1);

  assert.equal(value(text, 'stg_kv_operations_total', '{operation="set",backend="sqlite",outcome="ok"}'), 1);
  assert.equal(value(text, 'stg_kv_operations_total', '{operation="get",backend="sqlite",outcome="ok"}'), 2);

  for (const processSeries of ['process_cpu_seconds_total', 'process_resident_memory_bytes', 'nodejs_eventloop_lag_seconds']) {
    assert.ok(samples(text, processSeries).size > 0, `${processSeries} missing`);
  }
  assert.match(text, /^# HELP stg_http_requests_total /m);
  assert.match(text, /^# TYPE stg_http_request_duration_seconds histogram$/m);
});

test('both backends on: starts counted per backend, Qlik Cloud requests by operation and status class; the dashboard asks only for served series', async (t) => {
  const cloud = await startQlikCloudSimulator({ host: '127.0.0.1', port: 0, reloadMs: Number.POSITIVE_INFINITY });
  t.after(() => cloud.close());
  const cloudApp = cloud.apps[0] ?? assert.fail('the demo fixture has apps');
  const service = await start(t, {
    qlikCloud: {
      enable: true,
      tenantUrl: cloud.url,
      credentials: { kind: 'apiKey', apiKey: cloud.credentials.apiKey },
      timeoutMs: 5000,
      maxRequestsPerMinute: 600,
      taskMap: new Map(),
      webhook: { enable: false },
    },
  } as DeepPartial<Settings>);
  const body = JSON.stringify([
    { type: 'starttaskid', payload: { taskId: TASKS.app1.taskId } },
    { type: 'starttaskid', payload: { taskId: cloudApp.id } },
    { type: 'keyvaluestore', payload: { namespace: 'params', key: 'runDate', value: '2026-12-01' } },
  ]);
  const started = await fetch(`${service.url}/v4/reloadtask/-/start`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body });
  assert.equal(started.status, 200, await started.text());

  const { text } = await scrape(service.url);
  assert.equal(value(text, 'stg_tasks_started_total', '{backend="qlik-sense"}'), 1);
  assert.equal(value(text, 'stg_tasks_started_total', '{backend="qlik-cloud"}'), 1);
  assert.equal(value(text, 'stg_qlik_cloud_requests_total', '{operation="POST /api/v1/reloads",status="2xx"}'), 1);
  assert.equal(value(text, 'stg_qlik_cloud_request_duration_seconds_count', '{operation="POST /api/v1/reloads",status="2xx"}'), 1);
  assert.ok(!text.includes(cloudApp.id), 'no app id in any label');
  // The Grafana dashboard in docs/ asks only for series the service serves.
  const dashboard = readFileSync(new URL('../../docs/grafana-dashboard.json', import.meta.url), 'utf8');
  const asked = new Set(dashboard.match(/\b(?:stg|nodejs|process)_[a-z0-9_]+/g));
  assert.ok(asked.size >= 10);
  for (const series of asked) assert.ok(samples(text, series).size > 0, `the dashboard asks for ${series}, which /metrics does not serve`);
});

test('route labels are route patterns: many namespaces, task IDs and unknown URLs make one label value each', async (t) => {
  const service = await start(t);
  for (let i = 0; i < 30; i++) {
    await send(service.url, `/v4/keyvalues/namespace-${i}?key=key-${i}`);
    await send(service.url, `/v4/reloadtask/${crypto.randomUUID()}/start`, { method: 'PUT' });
    await send(service.url, `/no/such/route/${i}?x=${i}`);
    await send(service.url, `/v4/keylist/namespace-${i}%2Fwith%20escapes`);
  }
  const { text } = await scrape(service.url);
  const routes = new Set(
    [...samples(text, 'stg_http_requests_total').keys()].map((labels) => /route="([^"]*)"/.exec(labels)?.[1]),
  );
  assert.deepEqual(
    [...routes].sort(),
    ['/v4/keylist/:namespace', '/v4/keyvalues/:namespace', '/v4/reloadtask/:taskId/start', 'unmatched'],
  );
  assert.equal(value(text, 'stg_http_requests_total', '{route="unmatched",method="GET",status="404"}'), 30);
  assert.equal(value(text, 'stg_http_requests_total', '{route="/v4/keyvalues/:namespace",method="GET",status="404"}'), 30);
  const operations = [...samples(text, 'stg_qrs_requests_total').keys()];
  assert.ok(operations.length > 0);
  assert.ok(operations.every((labels) => !/[0-9a-f]{8}-[0-9a-f]{4}-/.test(labels)), operations.join('\n'));
  assert.doesNotMatch(text, /namespace-\d/);
});

test('QRS outages are counted by outcome, not as successes', async (t) => {
  const service = await start(t);
  simulator.sim.hooks.failAllWith = 503;
  t.after(() => {
    simulator.sim.hooks.failAllWith = null;
  });
  const res = await send(service.url, `/v4/reloadtask/${TASKS.app1.taskId}/start`, { method: 'PUT' });
  assert.ok(res.status >= 502 && res.status <= 504, String(res.status));
  simulator.sim.hooks.failAllWith = null;
  const { text } = await scrape(service.url);
  assert.equal(value(text, 'stg_qrs_requests_total', '{operation="GET /task/full",outcome="error"}'), 1);
  assert.equal(value(text, 'stg_qrs_requests_total', '{operation="GET /task/full",outcome="ok"}'), undefined);
  assert.equal(value(text, 'stg_tasks_started_total', '{backend="qlik-sense"}'), 0);
});

test('with auth on, /metrics needs the metrics scope (or admin) unless it is an open endpoint', async (t) => {
  const scraper = 'stg-test-key-scraper-5d8e1f0a';
  const auth = {
    ...AUTH_ON,
    apiKeys: [...AUTH_ON.apiKeys, { name: 'prometheus', sha256: sha256Hex(scraper), scopes: ['metrics' as const] }],
  };
  const guarded = await start(t, { server: { auth } });
  assert.equal((await scrape(guarded.url)).status, 401);
  assert.equal((await scrape(guarded.url, bearer(KEYS.reader))).status, 403);
  const allowed = await scrape(guarded.url, bearer(scraper));
  assert.equal(allowed.status, 200);
  assert.match(allowed.text, /stg_http_requests_total/);
  assert.equal((await scrape(guarded.url, bearer(KEYS.admin))).status, 200);
  // The metrics key may read metrics and nothing else.
  assert.equal((await send(guarded.url, '/v4/keyvaluesnamespaces', { headers: bearer(scraper) })).status, 403);

  const open = await start(t, { server: { auth: { ...auth, openEndpoints: [...AUTH_ON.openEndpoints, 'metrics'] } } });
  assert.equal((await scrape(open.url)).status, 200);
  assert.equal((await send(open.url, '/v4/keyvaluesnamespaces')).status, 401);
});

/** Whether /metrics is served, listed by /v4/configfile/endpointsenabled and in the OpenAPI document. */
async function metricsPresence(base: string): Promise<{ status: number; listed: boolean; documented: boolean }> {
  const listed = ((await (await fetch(`${base}/v4/configfile/endpointsenabled`)).json()) as string[]).includes('metrics');
  const openApi = (await (await fetch(`${base}/documentation/json`)).json()) as { paths: Record<string, unknown> };
  assert.ok('/health' in openApi.paths, 'the OpenAPI document lists the other routes');
  return { status: (await scrape(base)).status, listed, documented: '/metrics' in openApi.paths };
}

test('Butler.restServerEndpointsEnable.metrics: absent from the file, /metrics is served, listed and documented', async (t) => {
  const file = path.join(dataDir, 'without-metrics-key.yaml');
  writeFileSync(file, 'Butler:\n  restServerEndpointsEnable:\n    keyValueStore: true\n    apiListEnabledEndpoints: true\n');
  const service = await start(t, { endpoints: loadSettings(file, { env: {} }).endpoints });
  assert.deepEqual(await metricsPresence(service.url), { status: 200, listed: true, documented: true });
});

test('Butler.restServerEndpointsEnable.metrics false: /metrics is a 404, unlisted, undocumented', async (t) => {
  const service = await start(t, { endpoints: { metrics: false } });
  const res = await fetch(`${service.url}/metrics`);
  assert.equal(res.status, 404);
  assert.deepEqual(await res.json(), { statusCode: 404, error: 'Not Found', message: 'Route GET /metrics not found' });
  assert.deepEqual(await metricsPresence(service.url), { status: 404, listed: false, documented: false });
  // Only /metrics is gone: the other endpoints still answer.
  assert.equal((await send(service.url, '/v4/keyvaluesnamespaces')).status, 200);
  assert.equal((await send(service.url, '/v4/butlerping')).status, 200);
});
