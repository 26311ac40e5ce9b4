/**
 * findApps against the Qlik Cloud simulator over real HTTP: ids in bounded batches, tags as
 * public collections of exactly that name, paging on the tenant's own origin only, unknown ids
 * absent, and a cancelled request sending nothing more.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { MAX_URL_LENGTH, PAGE_LIMIT, idBatches } from '../../src/qlikcloud/find-apps.js';
import { QlikCloudResponseError } from '../../src/qlikcloud/index.js';
import { RequestCancelledError } from '../../src/errors.js';
import type { SimCloudApp } from '../../src/simulator/qlik-cloud/index.js';
import { createCapturingLogger } from '../helpers/logger.js';
import { waitUntil } from '../helpers/wait.js';
import { cloudClientFor, startCloudSimulator } from './harness.js';

const ITEMS = 'GET /api/v1/items';
const COLLECTIONS = 'GET /api/v1/collections';

function appId(n: number): string {
  return `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;
}

/** `count` apps; every app is tagged "all", every tenth also "tenth". */
function manyApps(count: number): SimCloudApp[] {
  return Array.from({ length: count }, (_, n) => ({ id: appId(n), name: `App ${n}`, tags: n % 10 === 0 ? ['all', 'tenth'] : ['all'] }));
}

test('ids: found by resourceIds in one call; unknown ids, ids in another case and ids that cannot be app ids are absent', async (t) => {
  const sim = await startCloudSimulator(t);
  const client = cloudClientFor(t, sim);
  const [sales, marketing] = sim.apps;
  assert.ok(sales && marketing);
  const unknown = '5a1e0c3b-7f2d-4c61-9b8e-2d4f6a8cffff';
  const found = await client.findApps({ appIds: [sales.id, unknown, marketing.id, sales.id.toUpperCase(), 'a,b', sales.id], tags: [] });
  assert.deepEqual([...found.byId.keys()].sort(), [sales.id, marketing.id].sort());
  assert.deepEqual(found.byId.get(sales.id), { id: sales.id, name: sales.name, tags: sales.tags });
  assert.deepEqual(found.byTag, []);
  assert.equal(sim.stats.requestCount({ endpoint: ITEMS }), 1);
  const [request] = sim.stats.requests;
  assert.match(request?.query ?? '', /resourceType=app/);
});

test('ids: many long ids go in batches of at most 100 whose URLs stay within the bound, at most 4 calls in flight', async (t) => {
  const sim = await startCloudSimulator(t, { apps: manyApps(300) });
  sim.hooks.latencyMs = 30;
  const client = cloudClientFor(t, sim);
  const known = sim.apps.map((app) => app.id);
  const unknownLong = Array.from({ length: 200 }, (_, n) => `unknown-${n}-`.padEnd(64, 'x'));
  const found = await client.findApps({ appIds: [...known, ...unknownLong], tags: [] });
  assert.equal(found.byId.size, 300);
  const calls = sim.stats.requests.filter((request) => request.endpoint === ITEMS);
  const expectedBatches = idBatches([...known, ...unknownLong], sim.url);
  assert.equal(calls.length, expectedBatches.length);
  assert.ok(calls.length >= 6, `only ${calls.length} calls`);
  for (const call of calls) {
    const ids = new URLSearchParams(call.query).get('resourceIds')?.split(',') ?? [];
    assert.ok(ids.length <= PAGE_LIMIT, `${ids.length} ids in one call`);
    assert.ok(`${sim.url}${call.path}?${call.query}`.length <= MAX_URL_LENGTH);
  }
  assert.ok(sim.stats.peakInFlight(ITEMS) <= 4, `peak ${sim.stats.peakInFlight(ITEMS)}`);
});

test('idBatches: cuts by count and by URL length, in order, losing nothing', () => {
  const short = Array.from({ length: 250 }, (_, n) => appId(n));
  const byCount = idBatches(short, 'https://acme.eu.qlikcloud.com');
  assert.deepEqual(byCount.flat(), short);
  assert.ok(byCount.every((batch) => batch.length <= PAGE_LIMIT));
  const long = Array.from({ length: 100 }, (_, n) => `${n}`.padEnd(64, 'y'));
  const byLength = idBatches(long, 'https://acme.eu.qlikcloud.com');
  assert.deepEqual(byLength.flat(), long);
  assert.ok(byLength.length > 1, 'a hundred 64-character ids do not fit one URL');
  assert.deepEqual(idBatches([], 'https://acme.eu.qlikcloud.com'), []);
});

test('tags: exact (case-sensitive) collection names, special characters intact, unknown or empty tags find nothing', async (t) => {
  const sim = await startCloudSimulator(t);
  const client = cloudClientFor(t, sim);
  const tags = ['Nightly reload', 'Sales & Marketing', '50% + more', 'ops,critical', 'Übersicht "Lager"', 'nightly reload', 'No such tag', '', 'Nightly reload'];
  const found = await client.findApps({ appIds: [], tags });
  const expected = tags.map((tag) => sim.apps.filter((app) => app.tags.includes(tag)).map((app) => app.id).sort());
  assert.deepEqual(
    found.byTag.map((apps) => apps.map((app) => app.id).sort()),
    expected,
  );
  assert.deepEqual(
    expected.map((ids) => ids.length),
    [3, 2, 1, 2, 1, 0, 0, 0, 3],
    'the fixture has these tags',
  );
  assert.equal(sim.stats.requestCount({ endpoint: COLLECTIONS }), tags.length - 2, 'the empty tag is never asked for, a repeated one once');
});

test('tags: a collection of 250 apps is read page by page through links.next', async (t) => {
  const sim = await startCloudSimulator(t, { apps: manyApps(250) });
  const client = cloudClientFor(t, sim);
  const found = await client.findApps({ appIds: [], tags: ['all', 'tenth'] });
  assert.equal(found.byTag[0]?.length, 250);
  assert.equal(new Set(found.byTag[0]?.map((app) => app.id)).size, 250);
  assert.equal(found.byTag[1]?.length, 25);
  assert.equal(sim.stats.requestCount({ endpoint: ITEMS }), 3 + 1, 'three pages of "all", one of "tenth"');
});

test('a links.next to another origin is refused and logged, and nothing is sent there', async (t) => {
  const sim = await startCloudSimulator(t, { apps: manyApps(150) });
  const elsewhere = await startCloudSimulator(t);
  sim.hooks.linkBaseUrl = elsewhere.url;
  const { logger, lines } = createCapturingLogger('warn');
  const client = cloudClientFor(t, sim, { logger });
  const error = await client.findApps({ appIds: [], tags: ['all'] }).then(
    () => assert.fail('expected a refusal'),
    (caught: unknown) => caught,
  );
  assert.ok(error instanceof QlikCloudResponseError, String(error));
  assert.equal(error.statusCode, 502);
  assert.match(error.message, new RegExp(`links.next points to ${elsewhere.url}, not the tenant`));
  assert.equal(elsewhere.stats.requestCount(), 0);
  const logged = lines().map((line) => JSON.parse(line) as { level: string; message: string; endpoint?: string; status?: number });
  assert.deepEqual(
    logged.map(({ level, endpoint, status }) => ({ level, endpoint, status })),
    [{ level: 'warn', endpoint: '/api/v1/items', status: 200 }],
  );
});

test('a cancelled request sends no further lookups and fails with RequestCancelledError', async (t) => {
  const sim = await startCloudSimulator(t, { apps: manyApps(300) });
  const client = cloudClientFor(t, sim);
  const aborted = new AbortController();
  aborted.abort();
  await assert.rejects(client.findApps({ appIds: [appId(1)], tags: ['all'] }, { signal: aborted.signal }), RequestCancelledError);
  assert.equal(sim.stats.requestCount(), 0);

  sim.hooks.latencyMs = 10_000;
  const request = new AbortController();
  const lookup = client.findApps({ appIds: sim.apps.map((app) => app.id), tags: ['all', 'tenth'] }, { signal: request.signal });
  await waitUntil(() => sim.stats.inFlight() === 4, () => `4 calls in flight (got ${sim.stats.inFlight()})`);
  request.abort();
  await assert.rejects(lookup, RequestCancelledError);
  assert.equal(sim.stats.requestCount(), 4, 'the calls not yet sent never are');
});
