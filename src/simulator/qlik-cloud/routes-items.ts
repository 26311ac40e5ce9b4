import type { Catalog } from './catalog.js';
import { collectionJson, itemJson } from './catalog-json.js';
import type { SimCloudApp } from './fixture.js';
import { invalid, jsonResponse, notFound, type CloudRequest, type CloudResponse } from './http.js';
import { pageOf } from './paging.js';
import { route, type Route } from './router.js';

const MAX_RESOURCE_IDS = 100;

function listOf(param: string | null): string[] | null {
  return param === null ? null : param.split(',').filter((part) => part !== '');
}

/** The apps the items query selects; every filter given must hold (ids are case-sensitive [CLIENT]). */
function selectApps(catalog: Catalog, req: CloudRequest): SimCloudApp[] {
  const { query } = req;
  const resourceTypes = listOf(query.get('resourceType'));
  const resourceId = query.get('resourceId');
  const resourceIds = listOf(query.get('resourceIds'));
  if ((resourceId !== null || resourceIds !== null) && resourceTypes === null) {
    throw invalid('resourceType is required with resourceId or resourceIds');
  }
  if (resourceIds !== null && resourceIds.length > MAX_RESOURCE_IDS) {
    throw invalid(`resourceIds takes at most ${MAX_RESOURCE_IDS} ids (got ${resourceIds.length})`);
  }
  const collectionId = query.get('collectionId');
  const members = collectionId === null ? null : new Set(catalog.collection(collectionId)?.appIds ?? []);
  const name = query.get('name')?.toLowerCase();
  const spaceId = query.get('spaceId');
  // Only apps exist here: any other resourceType selects nothing.
  if (resourceTypes !== null && !resourceTypes.includes('app')) return [];
  return catalog.apps.filter(
    (app) =>
      (resourceId === null || app.id === resourceId) &&
      (resourceIds === null || resourceIds.includes(app.id)) &&
      (members === null || members.has(app.id)) &&
      // Name search is a case-insensitive substring match [CLIENT]: callers keep exact matches.
      (name === undefined || app.name.toLowerCase().includes(name)) &&
      (spaceId === null || app.spaceId === spaceId),
  );
}

function itemsPage(catalog: Catalog, apps: readonly SimCloudApp[], req: CloudRequest): CloudResponse {
  const page = pageOf(apps, req);
  return jsonResponse(200, { data: page.data.map((app) => itemJson(catalog, app, req.baseUrl)), links: page.links });
}

/** `GET /api/v1/items` and the public collections that stand for tags. */
export function itemRoutes(catalog: Catalog): Route[] {
  return [
    route('GET', '/api/v1/items', (req) => itemsPage(catalog, selectApps(catalog, req), req)),
    route('GET', '/api/v1/collections', (req) => {
      const type = req.query.get('type');
      const name = req.query.get('name');
      // Only public collections exist here; the name match is exact and case-sensitive [CLIENT].
      const selected = catalog.collections.filter(
        (collection) => (type === null || type === 'public') && (name === null || collection.name === name),
      );
      const page = pageOf(selected, req);
      return jsonResponse(200, { data: page.data.map((collection) => collectionJson(collection, req.baseUrl)), links: page.links });
    }),
    route('GET', '/api/v1/collections/{collectionId}/items', (req, { collectionId = '' }) => {
      const collection = catalog.collection(collectionId);
      if (collection === undefined) return notFound(`no collection ${collectionId}`);
      const apps = collection.appIds.map((id) => catalog.app(id)).filter((app): app is SimCloudApp => app !== undefined);
      return itemsPage(catalog, apps, req);
    }),
  ];
}
