import { createHash } from 'node:crypto';
import type { SimCloudApp } from './fixture.js';

/** A public collection: what the hub shows as a tag. */
export interface SimCollection {
  id: string;
  name: string;
  /** Ids of its apps, in fixture order. */
  appIds: readonly string[];
  createdAt: number;
}

export interface Catalog {
  /** Apps in fixture order (the items' default `+createdAt` order). */
  readonly apps: readonly SimCloudApp[];
  app(id: string): SimCloudApp | undefined;
  readonly collections: readonly SimCollection[];
  collection(id: string): SimCollection | undefined;
  /** The public collections the app is in, in the app's tag order. */
  collectionsOf(app: SimCloudApp): SimCollection[];
  itemIdOf(app: SimCloudApp): string;
  createdAtOf(app: SimCloudApp): number;
}

/** Items and collections have 24-hex ids; derived from names so they are the same on every run. */
function objectId(kind: string, key: string): string {
  return createHash('sha256').update(`${kind}:${key}`).digest('hex').slice(0, 24);
}

const FIXTURE_EPOCH = Date.parse('2024-01-02T09:00:00.000Z');

/** The tenant's apps as items, their tags as public collections (ids case-sensitive, as in Qlik [CLIENT]). */
export function createCatalog(apps: readonly SimCloudApp[]): Catalog {
  const byId = new Map(apps.map((app) => [app.id, app]));
  const byName = new Map<string, SimCollection & { appIds: string[] }>();
  for (const app of apps) {
    for (const tag of app.tags) {
      let collection = byName.get(tag);
      if (collection === undefined) {
        collection = { id: objectId('collection', tag), name: tag, appIds: [], createdAt: FIXTURE_EPOCH + byName.size * 1000 };
        byName.set(tag, collection);
      }
      collection.appIds.push(app.id);
    }
  }
  const collections = [...byName.values()];
  const collectionById = new Map(collections.map((collection) => [collection.id, collection]));
  const indexOf = new Map(apps.map((app, index) => [app.id, index]));
  return {
    apps,
    app: (id) => byId.get(id),
    collections,
    collection: (id) => collectionById.get(id),
    collectionsOf: (app) => app.tags.flatMap((tag) => byName.get(tag) ?? []),
    itemIdOf: (app) => objectId('item', app.id),
    createdAtOf: (app) => FIXTURE_EPOCH + (indexOf.get(app.id) ?? 0) * 60_000,
  };
}
