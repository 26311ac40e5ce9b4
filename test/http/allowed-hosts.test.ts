/**
 * DNS rebinding: a page of `http://evil.example:8080` whose name later resolves to this
 * service sends `Host: evil.example:8080` and a matching Origin, so the same-origin check
 * passes. Requests a browser marks (Origin or Sec-Fetch-*) are refused unless their Host is
 * an IP address, localhost, serverHost or on allowedHosts; server-side callers (no markers)
 * are never refused. Real HTTP with real Host headers, the real QRS client over mutual TLS
 * to the simulator, a real store.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { hostRefusal } from '../../src/http/allowed-hosts.js';
import { requestFrom } from '../helpers/http-from.js';
import { idsOf, startedIds, startHarness, TASKS, type Harness } from '../starttask/harness.js';

const { app1 } = TASKS;
const START = `/v4/reloadtask/${app1.taskId}/start`;
const REBOUND = 'evil.example:8080';
const SAME_ORIGIN_PAGE = { origin: `http://${REBOUND}`, 'sec-fetch-site': 'same-origin', 'sec-fetch-mode': 'cors' };

/** A request over real HTTP as if addressed to `host` (the connection goes to the test's own server). */
function send(h: Harness, host: string, path: string, opts: { method?: string; headers?: Record<string, string>; body?: unknown } = {}) {
  return requestFrom('127.0.0.1', `${h.base}${path}`, { ...opts, headers: { host, ...opts.headers } });
}

test('a page reached by DNS rebinding can neither write, start nor read: 403 naming allowedHosts, nothing done', async (t) => {
  const h = await startHarness(t);
  await h.kv!.set('ns', 'k', 'seeded', 0);
  const asked = [
    { name: 'write a pair', method: 'POST', path: '/v4/keyvalues/ns', body: { key: 'k', value: 'rebound' } },
    { name: 'start', method: 'PUT', path: START, body: [] },
    { name: 'read a pair', method: 'GET', path: '/v4/keyvalues/ns?key=k' },
    { name: 'read the health', method: 'GET', path: '/health' },
  ];
  const markers: Record<string, string>[] = [SAME_ORIGIN_PAGE, { origin: `http://${REBOUND}` }, { 'sec-fetch-mode': 'navigate' }];
  for (const request of asked) {
    for (const headers of markers) {
      const answer = await send(h, REBOUND, request.path, { ...request, headers });
      const label = `${request.name} with ${JSON.stringify(headers)}`;
      assert.equal(answer.status, 403, `${label}: ${answer.text}`);
      assert.equal(answer.json().code, 'ERR_HOST_NOT_ALLOWED', label);
      assert.match(answer.json().message, /Butler\.restServerConfig\.allowedHosts/, label);
      assert.match(answer.json().message, /\(got "evil\.example:8080"\)/, label);
    }
  }
  assert.deepEqual(startedIds(h.sim), []);
  assert.equal((await h.kv!.get('ns', 'k'))?.value, 'seeded');
});

test('browsers on an IP address, localhost, serverHost or an allowedHosts name, and server-side callers on any name, keep working', async (t) => {
  const h = await startHarness(t, { settings: { server: { host: 'Gateway.Test', allowedHosts: ['qlik-gw.example.com'] } } });
  const allowed = ['127.0.0.1:8080', '[::1]:8080', '[::1]', 'localhost:8080', 'LOCALHOST', 'gateway.test:8080', 'QLIK-GW.example.com.:443', 'qlik-gw.example.com'];
  for (const host of allowed) {
    const page = { origin: `http://${host}`, 'sec-fetch-site': 'same-origin' };
    const written = await send(h, host, '/v4/keyvalues/ns', { method: 'POST', body: { key: 'k', value: host }, headers: page });
    assert.equal(written.status, 201, `${host}: ${written.text}`);
    const read = await send(h, host, '/v4/keyvalues/ns?key=k', { headers: page });
    assert.equal(read.status, 200, host);
    assert.equal(read.json().value, host);
    // Swagger UI on that name.
    const docs = await send(h, host, '/documentation/json', { headers: { 'sec-fetch-site': 'same-origin', 'sec-fetch-mode': 'cors' } });
    assert.equal(docs.status, 200, `${host}: ${docs.text.slice(0, 200)}`);
  }
  // curl, ETL tools and the Qlik REST connector send no browser markers: any Host is fine.
  const connector = await send(h, REBOUND, START, { method: 'POST', body: [] });
  assert.equal(connector.status, 200, connector.text);
  assert.equal((await send(h, 'qlik-gw.example.com.attacker.example', START, { method: 'PUT', headers: SAME_ORIGIN_PAGE })).status, 403);
  assert.deepEqual(startedIds(h.sim), idsOf(app1));
});

test('X-Forwarded-Host names the host only when a trustProxy peer sent it, as for the same-origin check', async (t) => {
  const forwarded = { 'x-forwarded-host': REBOUND, 'sec-fetch-site': 'same-origin' };
  const direct = await startHarness(t);
  assert.equal((await send(direct, '127.0.0.1', '/health', { headers: forwarded })).status, 200, 'a forged header is ignored');
  const proxied = await startHarness(t, { settings: { server: { trustProxy: ['127.0.0.1'] } } });
  const refused = await send(proxied, '127.0.0.1', '/health', { headers: forwarded });
  assert.equal(refused.status, 403, 'the proxy says the browser asked for evil.example');
  assert.equal(refused.json().code, 'ERR_HOST_NOT_ALLOWED');
});

test('hostRefusal: the decision table', () => {
  const allowedNames = new Set(['localhost', '0.0.0.0', 'gateway.example.com']);
  const decide = (host: string) => (hostRefusal(host, allowedNames) === undefined ? 'accept' : 'refuse');
  for (const host of ['10.0.0.5', '10.0.0.5:8080', '[::1]:8080', '[fe80::1]', 'localhost', 'LocalHost:1', 'gateway.example.com', 'GATEWAY.example.com.:8080']) {
    assert.equal(decide(host), 'accept', host);
  }
  const refused = ['', 'evil.example', 'evil.example:8080', 'localhost.evil.example', 'gateway.example.com.evil.example', '[::1', '::1', 'a:b:c', 'gateway.example.com:80:80', '[gateway.example.com]'];
  for (const host of refused) assert.equal(decide(host), 'refuse', host);
  assert.match(hostRefusal('', allowedNames) ?? '', /\(got no Host header\)/);
  assert.match(hostRefusal('x'.repeat(500), allowedNames) ?? '', new RegExp(`\\(got "${'x'.repeat(100)}"\\)`));
});
