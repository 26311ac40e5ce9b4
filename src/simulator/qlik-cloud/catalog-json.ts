import type { Catalog, SimCollection } from './catalog.js';
import type { SimCloudApp } from './fixture.js';
import { API_KEY_USER_ID, isoTime, TENANT_ID } from './tenant.js';

/** An app as `/api/v1/items` answers it (the fields clients read, per `@qlik/api`'s types [CLIENT]). */
export function itemJson(catalog: Catalog, app: SimCloudApp, baseUrl: string): Record<string, unknown> {
  const itemId = catalog.itemIdOf(app);
  const created = isoTime(catalog.createdAtOf(app));
  // meta.tags carries the public collections under their collection ids [INF].
  const tags = catalog.collectionsOf(app).map(({ id, name }) => ({ id, name }));
  return {
    id: itemId,
    name: app.name,
    resourceType: 'app',
    resourceId: app.id,
    resourceAttributes: { id: app.id, name: app.name, ...(app.spaceId === undefined ? {} : { spaceId: app.spaceId }) },
    resourceCustomAttributes: null,
    resourceCreatedAt: created,
    resourceUpdatedAt: created,
    createdAt: created,
    updatedAt: created,
    ...(app.spaceId === undefined ? {} : { spaceId: app.spaceId }),
    tenantId: TENANT_ID,
    ownerId: API_KEY_USER_ID,
    collectionIds: tags.map(({ id }) => id),
    isFavorited: false,
    actions: [],
    meta: { actions: [], collections: tags, isFavorited: false, tags },
    links: { self: { href: `${baseUrl}/api/v1/items/${itemId}` } },
  };
}

/** A collection as `/api/v1/collections` answers it. */
export function collectionJson(collection: SimCollection, baseUrl: string): Record<string, unknown> {
  const created = isoTime(collection.createdAt);
  return {
    id: collection.id,
    name: collection.name,
    type: 'public',
    itemCount: collection.appIds.length,
    createdAt: created,
    updatedAt: created,
    tenantId: TENANT_ID,
    links: {
      self: { href: `${baseUrl}/api/v1/collections/${collection.id}` },
      items: { href: `${baseUrl}/api/v1/collections/${collection.id}/items` },
    },
  };
}
