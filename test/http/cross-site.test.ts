/**
 * Web pages of other sites must not change anything (start reloads, write or delete pairs),
 * even with auth off; the Swagger UI on the service's own origin and server-side callers
 * (no Origin, no Sec-Fetch-Site) keep working. Real HTTP, the real QRS client over mutual
 * TLS to the simulator, a real store.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { crossSiteRefusal } from '../../src/http/cross-site.js';
import { call, idsOf, startedIds, startHarness, TASKS } from '../starttask/harness.js';

const { app1 } = TASKS;
const START = `/v4/reloadtask/${app1.taskId}/start`;

const CHANGES: { name: string; method: string; path: string; body?: unknown; headers?: Record<string, string> }[] = [
  { name: 'start (PUT)', method: 'PUT', path: START, body: [] },
  { name: 'start (POST, as the REST connector)', method: 'POST', path: START, body: [] },
  { name: 'set a pair', method: 'POST', path: '/v4/keyvalues/ns', body: { key: 'k', value: 'v' } },
  { name: 'delete a key', method: 'DELETE', path: '/v4/keyvalues/ns/k' },
  { name: 'delete a namespace by override', method: 'POST', path: '/v4/keyvalues/ns', headers: { 'x-http-method-override': 'DELETE' } },
];

const CROSS_SITE: { name: string; headers: Record<string, string> }[] = [
  { name: 'an Origin of another site', headers: { origin: 'http://intranet.example' } },
  { name: 'Origin: null (sandboxed page, file://)', headers: { origin: 'null' } },
  { name: 'Sec-Fetch-Site: cross-site without Origin', headers: { 'sec-fetch-site': 'cross-site' } },
  { name: 'Sec-Fetch-Site: same-site', headers: { 'sec-fetch-site': 'same-site' } },
  { name: 'the same host on another port', headers: { origin: 'http://127.0.0.1:1' } },
];

test('changing requests from other origins are refused with 403 naming the setting; nothing is started or written', async (t) => {
  const h = await startHarness(t);
  await h.kv!.set('ns', 'k', 'seeded', 0);
  for (const change of CHANGES) {
    for (const cross of CROSS_SITE) {
      const answer = await call(h.base, change.path, {
        method: change.method,
        ...(change.body === undefined ? {} : { body: change.body }),
        headers: { ...change.headers, ...cross.headers },
      });
      const label = `${change.name} with ${cross.name}`;
      assert.equal(answer.status, 403, label);
      const body = answer.body as { code: string; message: string };
      assert.equal(body.code, 'ERR_CROSS_SITE', label);
      assert.match(body.message, /Butler\.restServerConfig\.allowedOrigins/, label);
    }
  }
  assert.deepEqual(h.sim.stats.requests, [], 'QRS was not asked');
  assert.deepEqual(startedIds(h.sim), []);
  assert.equal((await h.kv!.get('ns', 'k'))?.value, 'seeded');

  // Reads stay open to browsers (no CORS headers let other pages see the answers).
  const read = await call(h.base, '/v4/keyvalues/ns?key=k', { method: 'GET', headers: { origin: 'http://intranet.example', 'sec-fetch-site': 'cross-site' } });
  assert.equal(read.status, 200);
});

test('same-origin pages (Swagger UI) and server-side callers keep working', async (t) => {
  const h = await startHarness(t);
  const sameOrigin = { origin: h.base, 'sec-fetch-site': 'same-origin' };
  const started = await call(h.base, START, { body: [], headers: sameOrigin });
  assert.equal(started.status, 200, JSON.stringify(started.body));
  const typedInAddressBar = await call(h.base, START, { body: [], headers: { 'sec-fetch-site': 'none' } });
  assert.equal(typedInAddressBar.status, 200);
  const curl = await call(h.base, START, { body: [] });
  assert.equal(curl.status, 200);
  assert.deepEqual(startedIds(h.sim), idsOf(app1, app1, app1));

  const written = await call(h.base, '/v4/keyvalues/ns', { method: 'POST', body: { key: 'k', value: 'v' }, headers: { origin: h.base.toUpperCase().replace('HTTP', 'http') } });
  assert.equal(written.status, 201, 'the origin is compared case-insensitively');
  const deleted = await call(h.base, '/v4/keyvalues/ns/k', { method: 'DELETE', headers: sameOrigin });
  assert.equal(deleted.status, 204);
});

test('origins on allowedOrigins may send changing requests, even marked cross-site', async (t) => {
  const h = await startHarness(t, { settings: { server: { allowedOrigins: ['https://portal.example.com'] } } });
  const allowed = await call(h.base, START, {
    body: [],
    headers: { origin: 'https://PORTAL.example.com:443', 'sec-fetch-site': 'cross-site' },
  });
  assert.equal(allowed.status, 200, JSON.stringify(allowed.body));
  const other = await call(h.base, START, { body: [], headers: { origin: 'https://evil.example.com' } });
  assert.equal(other.status, 403);
  assert.deepEqual(startedIds(h.sim), idsOf(app1));
});

test('crossSiteRefusal: the decision table', () => {
  const own = 'http://gateway.example:8080';
  const allowedOrigins = new Set(['https://portal.example.com']);
  const decide = (origin: string | undefined, fetchSite: string | undefined) =>
    crossSiteRefusal({ origin, fetchSite, ownOrigin: own, allowedOrigins }) === undefined ? 'accept' : 'refuse';
  assert.equal(decide(undefined, undefined), 'accept');
  assert.equal(decide(own, 'same-origin'), 'accept');
  assert.equal(decide('HTTP://Gateway.Example:8080', undefined), 'accept');
  assert.equal(decide(undefined, 'none'), 'accept');
  assert.equal(decide('https://portal.example.com', 'cross-site'), 'accept');
  assert.equal(decide('http://gateway.example:8081', undefined), 'refuse');
  assert.equal(decide('https://gateway.example:8080', undefined), 'refuse');
  assert.equal(decide('null', undefined), 'refuse');
  assert.equal(decide(undefined, 'cross-site'), 'refuse');
  assert.equal(decide(undefined, 'same-site'), 'refuse');
  assert.equal(decide(own, 'cross-site'), 'refuse');
});
