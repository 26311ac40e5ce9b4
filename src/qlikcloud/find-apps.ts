/**
 * Apps by id and by tag in as few calls as fit: ids in batches within one page and a bounded
 * URL, tags as public collections of exactly that name, whose items are paged through.
 */
import { QLIK_CLOUD_ID_PATTERN } from '../config/settings.js';
import { encodedLength, encodeQueryString } from '../query-string.js';
import { runLimited } from '../run-limited.js';
import { parseAppItem, parseCollection } from './answers.js';
import type { AppQuery, CloudApp, CloudCallOptions, FoundApps } from './types.js';

/** Lists as long as Qlik Cloud allows in one page [DOC: limit 1-100]: one call per id batch. */
export const PAGE_LIMIT = 100;
/** Longest URL sent, in characters: well within what proxies and load balancers pass. */
export const MAX_URL_LENGTH = 4000;
/** Calls of one lookup in flight at once; the pacer bounds all callers together. */
export const LOOKUP_CONCURRENCY = 4;

const ITEMS_PATH = '/api/v1/items';
const ID_SEPARATOR_LENGTH = encodedLength(',');

/**
 * Reads the pages of a list: the first at `path` with `query`, then each `links.next` while
 * `more(last page)` holds (by default, to the end).
 */
export type ListReader = <T>(
  path: string,
  query: Record<string, string>,
  parseItem: (item: unknown) => T,
  signal: AbortSignal | undefined,
  more?: (page: readonly T[]) => boolean,
) => Promise<T[]>;

export function isCloudId(id: string): boolean {
  return QLIK_CLOUD_ID_PATTERN.test(id);
}

/** Ids cut into batches of at most PAGE_LIMIT whose `resourceIds` keeps the URL within MAX_URL_LENGTH. */
export function idBatches(ids: readonly string[], tenantUrl: string): string[][] {
  const base = `${tenantUrl}${ITEMS_PATH}?${encodeQueryString({ resourceType: 'app', limit: String(PAGE_LIMIT), resourceIds: '' })}`;
  const room = MAX_URL_LENGTH - base.length;
  const batches: string[][] = [];
  let current: string[] = [];
  let length = 0;
  for (const id of ids) {
    const idLength = encodedLength(id);
    const joined = current.length === 0 ? idLength : length + ID_SEPARATOR_LENGTH + idLength;
    if (current.length > 0 && (current.length >= PAGE_LIMIT || joined > room)) {
      batches.push(current);
      current = [id];
      length = idLength;
    } else {
      current.push(id);
      length = joined;
    }
  }
  if (current.length > 0) batches.push(current);
  return batches;
}

function appsOnly(items: (CloudApp | null)[]): CloudApp[] {
  return items.filter((app): app is CloudApp => app !== null);
}

export function createAppFinder(tenantUrl: string, readList: ListReader) {
  async function appsWithIds(ids: readonly string[], signal: AbortSignal): Promise<CloudApp[]> {
    const query = { resourceType: 'app', limit: String(PAGE_LIMIT), resourceIds: ids.join(',') };
    return appsOnly(await readList(ITEMS_PATH, query, parseAppItem, signal));
  }

  /** Apps in every public collection named exactly `tag` (the name match is exact [CLIENT]; checked again here). */
  async function appsTagged(tag: string, signal: AbortSignal): Promise<CloudApp[]> {
    const collections = await readList('/api/v1/collections', { type: 'public', name: tag, limit: String(PAGE_LIMIT) }, parseCollection, signal);
    const apps = new Map<string, CloudApp>();
    for (const collection of collections.filter(({ name }) => name === tag)) {
      const query = { resourceType: 'app', collectionId: collection.id, limit: String(PAGE_LIMIT) };
      for (const app of appsOnly(await readList(ITEMS_PATH, query, parseAppItem, signal))) apps.set(app.id, app);
    }
    return [...apps.values()];
  }

  return async function findApps(query: AppQuery, options: CloudCallOptions = {}): Promise<FoundApps> {
    // An id that cannot be an app id is not sent (it could break the comma-separated list): it is simply not found.
    const ids = [...new Set(query.appIds)].filter(isCloudId);
    const asked = new Set(ids);
    const batches = idBatches(ids, tenantUrl);
    const tags = [...new Set(query.tags)];
    const lookups = [
      ...batches.map((batch) => (signal: AbortSignal) => appsWithIds(batch, signal)),
      // An empty name would match every collection.
      ...tags.map((tag) => async (signal: AbortSignal) => (tag === '' ? [] : appsTagged(tag, signal))),
    ];
    const results = await runLimited(lookups, LOOKUP_CONCURRENCY, options.signal);
    const byId = new Map<string, CloudApp>();
    for (const app of results.slice(0, batches.length).flat()) {
      if (asked.has(app.id)) byId.set(app.id, app);
    }
    const byTagName = new Map(tags.map((tag, index) => [tag, results[batches.length + index] ?? []]));
    return { byId, byTag: query.tags.map((tag) => byTagName.get(tag) ?? []) };
  };
}
