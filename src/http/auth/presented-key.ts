import type { IncomingHttpHeaders } from 'node:http';

export type PresentedKey =
  | { readonly kind: 'none' }
  | { readonly kind: 'key'; readonly key: string }
  | { readonly kind: 'malformed'; readonly reason: string };

const BEARER = /^Bearer +(\S+) *$/i;

/**
 * The API key a request carries, as `X-API-Key: <key>` or `Authorization: Bearer <key>`
 * (Qlik's REST connector can set either). Both may be sent if they agree. Keys in the
 * query string are not accepted: URLs end up in logs and proxies.
 */
export function presentedKey(headers: IncomingHttpHeaders): PresentedKey {
  const apiKeyHeader = headers['x-api-key'];
  if (Array.isArray(apiKeyHeader)) return { kind: 'malformed', reason: 'send one X-API-Key header, not several' };
  const fromApiKeyHeader = apiKeyHeader?.trim() || undefined;
  const { authorization } = headers;
  const fromBearer = authorization === undefined ? undefined : BEARER.exec(authorization)?.[1];

  if (fromApiKeyHeader !== undefined && fromBearer !== undefined && fromApiKeyHeader !== fromBearer) {
    return { kind: 'malformed', reason: 'X-API-Key and Authorization: Bearer carry different keys; send one' };
  }
  const key = fromApiKeyHeader ?? fromBearer;
  if (key !== undefined) return { kind: 'key', key };
  if (authorization !== undefined) {
    return { kind: 'malformed', reason: 'the Authorization header must be "Bearer <key>" (or send X-API-Key: <key>)' };
  }
  return { kind: 'none' };
}
