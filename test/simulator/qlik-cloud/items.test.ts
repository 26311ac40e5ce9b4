import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { DEFAULT_LIMIT, type RunningQlikCloudSimulator, type SimCloudApp } from '../../../src/simulator/qlik-cloud/index.js';
import { cloudRequest, DEMO_APPS, jsonOf, startTestCloudSimulator } from './cloud-request.js';

interface Item {
  id: string;
  name: string;
  resourceType: string;
  resourceId: string;
  spaceId?: string;
  meta: { tags: { id: string; name: string }[] };
}

interface Listing<T> {
  data: T[];
  links: { self: { href: string }; next?: { href: string }; prev?: { href: string } };
}

interface Collection {
  id: string;
  name: string;
  type: string;
}

describe('Qlik Cloud simulator items and collections', () => {
  let sim: RunningQlikCloudSimulator;
  before(async () => {
    sim = await startTestCloudSimulator();
  });
  after(() => sim.close());

  const items = async (query: string): Promise<Listing<Item>> => {
    const answer = await cloudRequest(sim, { path: `/api/v1/items?${query}` });
    assert.equal(answer.status, 200, answer.text);
    return jsonOf<Listing<Item>>(answer);
  };

  async function collectionNamed(name: string): Promise<Collection[]> {
    const answer = await cloudRequest(sim, { path: `/api/v1/collections?type=public&name=${encodeURIComponent(name)}` });
    assert.equal(answer.status, 200, answer.text);
    return jsonOf<Listing<Collection>>(answer).data;
  }

  it('finds an app by resourceId, with its name, space and tags; ids are case-sensitive', async () => {
    const { data } = await items(`resourceType=app&resourceId=${DEMO_APPS.sales}`);
    assert.equal(data.length, 1);
    const [item] = data;
    assert.equal(item?.resourceId, DEMO_APPS.sales);
    assert.equal(item?.resourceType, 'app');
    assert.equal(item?.name, 'Sales Dashboard');
    assert.equal(item?.spaceId, '65a0c1d2e3f4a5b6c7d8e901');
    assert.notEqual(item?.id, DEMO_APPS.sales, 'the item id is not the app id');
    assert.deepEqual(
      item?.meta.tags.map((tag) => tag.name),
      ['Nightly reload', 'Sales & Marketing'],
    );
    assert.deepEqual((await items(`resourceType=app&resourceId=${DEMO_APPS.sales.toUpperCase()}`)).data, []);
  });

  it('finds several apps by resourceIds and refuses resourceId(s) without resourceType or over 100 ids', async () => {
    const { data } = await items(`resourceType=app&resourceIds=${DEMO_APPS.finance},${DEMO_APPS.broken},${randomUUID()}`);
    assert.deepEqual(data.map((item) => item.resourceId).sort(), [DEMO_APPS.finance, DEMO_APPS.broken].sort());
    assert.equal((await cloudRequest(sim, { path: `/api/v1/items?resourceId=${DEMO_APPS.sales}` })).status, 400);
    const tooMany = Array.from({ length: 101 }, () => randomUUID()).join(',');
    assert.equal((await cloudRequest(sim, { path: `/api/v1/items?resourceType=app&resourceIds=${tooMany}` })).status, 400);
  });

  it('finds a tag as a public collection by its exact name, awkward characters and all', async () => {
    for (const name of ['Sales & Marketing', 'ops,critical', 'Übersicht "Lager"', '50% + more', 'Finance/Controlling']) {
      const found = await collectionNamed(name);
      assert.equal(found.length, 1, name);
      assert.equal(found[0]?.name, name);
      assert.equal(found[0]?.type, 'public');
    }
    assert.deepEqual(await collectionNamed('nightly reload'), [], 'the name match is case-sensitive');
    assert.deepEqual(await collectionNamed('Nightly'), [], 'the name match is exact, not a substring');
  });

  it('lists the apps of a collection by collectionId, on /items and on /collections/{id}/items', async () => {
    const [collection] = await collectionNamed('ops,critical');
    assert.ok(collection !== undefined);
    const expected = [DEMO_APPS.broken, DEMO_APPS.stock];
    assert.deepEqual((await items(`resourceType=app&collectionId=${collection.id}`)).data.map((item) => item.resourceId), expected);
    const answer = await cloudRequest(sim, { path: `/api/v1/collections/${collection.id}/items` });
    assert.deepEqual(jsonOf<Listing<Item>>(answer).data.map((item) => item.resourceId), expected);
    assert.equal((await cloudRequest(sim, { path: '/api/v1/collections/000000000000000000000000/items' })).status, 404);
  });

  it('searches names by case-insensitive substring, and filters by spaceId', async () => {
    const { data } = await items('resourceType=app&name=FUNNEL');
    assert.deepEqual(data.map((item) => item.resourceId), [DEMO_APPS.marketing]);
    const inSpace = await items('resourceType=app&spaceId=65a0c1d2e3f4a5b6c7d8e902');
    assert.deepEqual(inSpace.data.map((item) => item.resourceId), [DEMO_APPS.finance, DEMO_APPS.broken]);
  });

  it('refuses a limit outside 1-100 and a cursor it did not issue', async () => {
    for (const limit of ['0', '101', 'ten', '1.5']) {
      assert.equal((await cloudRequest(sim, { path: `/api/v1/items?limit=${limit}` })).status, 400, `limit=${limit}`);
    }
    assert.equal((await cloudRequest(sim, { path: '/api/v1/items?next=bm9wZQ' })).status, 400);
  });
});

describe('Qlik Cloud simulator paging', () => {
  const APP_COUNT = 25;
  const apps: SimCloudApp[] = Array.from({ length: APP_COUNT }, (_, i) => ({
    id: randomUUID(),
    name: `App ${String(i).padStart(2, '0')}`,
    tags: ['Everything', ...(i % 2 === 0 ? ['Even'] : [])],
  }));
  let sim: RunningQlikCloudSimulator;
  before(async () => {
    sim = await startTestCloudSimulator({ apps });
  });
  after(() => sim.close());

  /** Follows links.next.href from `path` to the end; the pages' sizes and all their items. */
  async function everyPage(path: string): Promise<{ sizes: number[]; ids: string[] }> {
    const sizes: number[] = [];
    const ids: string[] = [];
    let next: string | undefined = path;
    while (next !== undefined) {
      const answer = await cloudRequest(sim, { path: next });
      assert.equal(answer.status, 200, answer.text);
      const page = jsonOf<Listing<Item>>(answer);
      sizes.push(page.data.length);
      ids.push(...page.data.map((item) => item.resourceId));
      next = page.links.next?.href;
      if (next !== undefined) assert.equal(new URL(next).host, `127.0.0.1:${sim.port}`, 'next is an absolute URL on the simulator');
      assert.ok(sizes.length <= APP_COUNT, 'paging ends');
    }
    return { sizes, ids };
  }

  it(`answers ${DEFAULT_LIMIT} items a page by default: more need links.next.href`, async () => {
    const first = jsonOf<Listing<Item>>(await cloudRequest(sim, { path: '/api/v1/items?resourceType=app' }));
    assert.equal(first.data.length, DEFAULT_LIMIT);
    assert.ok(first.links.next !== undefined);
    const { sizes, ids } = await everyPage('/api/v1/items?resourceType=app');
    assert.deepEqual(sizes, [10, 10, 5]);
    assert.deepEqual(ids, apps.map((app) => app.id), 'every app once, in order');
    const second = jsonOf<Listing<Item>>(await cloudRequest(sim, { path: first.links.next?.href ?? '' }));
    const back = jsonOf<Listing<Item>>(await cloudRequest(sim, { path: second.links.prev?.href ?? '' }));
    assert.deepEqual(back.data, first.data, 'links.prev.href leads back');
    assert.equal(first.links.prev, undefined);
  });

  it('keeps the filters on the next pages and honours limit', async () => {
    const even = apps.filter((_, i) => i % 2 === 0).map((app) => app.id);
    const collection = jsonOf<Listing<Collection>>(await cloudRequest(sim, { path: '/api/v1/collections?type=public&name=Even' })).data[0];
    assert.ok(collection !== undefined);
    const { sizes, ids } = await everyPage(`/api/v1/items?resourceType=app&collectionId=${collection.id}&limit=4`);
    assert.deepEqual(sizes, [4, 4, 4, 1]);
    assert.deepEqual(ids, even);
    assert.deepEqual((await everyPage('/api/v1/items?resourceType=app&limit=100')).sizes, [APP_COUNT]);
  });

  it('points links at hooks.linkBaseUrl when set (a client must not follow them off its tenant)', async (t) => {
    t.after(() => (sim.hooks.linkBaseUrl = null));
    sim.hooks.linkBaseUrl = 'http://elsewhere.invalid:8080';
    const page = jsonOf<Listing<Item>>(await cloudRequest(sim, { path: '/api/v1/items?resourceType=app' }));
    assert.equal(new URL(page.links.next?.href ?? '').host, 'elsewhere.invalid:8080');
  });
});
