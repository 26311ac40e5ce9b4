import { invalid, type CloudRequest } from './http.js';

/** Qlik's page size bounds [DOC]; the default when `limit` is absent is not documented [INF]. */
export const MAX_LIMIT = 100;
export const DEFAULT_LIMIT = 10;

interface Link {
  href: string;
}

export interface PageLinks {
  self: Link;
  next?: Link;
  prev?: Link;
}

export interface Page<T> {
  data: T[];
  links: PageLinks;
}

/** Cursors are opaque to clients; here they carry the offset of the page they lead to. */
function cursorFor(offset: number): string {
  return Buffer.from(`offset:${offset}`).toString('base64url');
}

function offsetOf(cursor: string): number {
  const match = /^offset:(\d{1,9})$/.exec(Buffer.from(cursor, 'base64url').toString('utf8'));
  if (match?.[1] === undefined) throw invalid(`the next/prev cursor is not one this API issued (got ${cursor})`);
  return Number(match[1]);
}

function readLimit(raw: string | null): number {
  if (raw === null) return DEFAULT_LIMIT;
  const limit = Number(raw);
  if (!/^\d+$/.test(raw) || limit < 1 || limit > MAX_LIMIT) throw invalid(`limit must be a whole number from 1 to ${MAX_LIMIT} (got ${raw})`);
  return limit;
}

function linkTo(req: CloudRequest, cursor: { name: 'next' | 'prev'; offset: number } | null): Link {
  const query = new URLSearchParams(req.query);
  query.delete('next');
  query.delete('prev');
  if (cursor !== null) query.set(cursor.name, cursorFor(cursor.offset));
  const search = query.toString();
  return { href: `${req.baseUrl}${req.path}${search === '' ? '' : `?${search}`}` };
}

/**
 * One page of `all` as the request's `limit` and `next`/`prev` cursor select it, with
 * absolute `links` on the host the client addressed (the way clients find the next page).
 */
export function pageOf<T>(all: readonly T[], req: CloudRequest): Page<T> {
  const limit = readLimit(req.query.get('limit'));
  const next = req.query.get('next');
  const prev = req.query.get('prev');
  if (next !== null && prev !== null) throw invalid('give either next or prev, not both');
  const cursor = next ?? prev;
  const offset = cursor === null ? 0 : offsetOf(cursor);
  const links: PageLinks = { self: linkTo(req, cursor === null ? null : { name: next === null ? 'prev' : 'next', offset }) };
  if (offset + limit < all.length) links.next = linkTo(req, { name: 'next', offset: offset + limit });
  if (offset > 0) links.prev = linkTo(req, { name: 'prev', offset: Math.max(0, offset - limit) });
  return { data: all.slice(offset, offset + limit), links };
}
