import type { FastifyInstance, FastifyRequest } from 'fastify';
import { ServiceError } from '../errors.js';

export class CrossSiteRequestError extends ServiceError {
  constructor(message: string) {
    super('ERR_CROSS_SITE', 403, message);
  }
}

/** Methods that only read; everything else (start, key-value writes and deletes) changes something. */
const READ_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);
const ALLOWED_ORIGINS_KEY = 'Butler.restServerConfig.allowedOrigins';

export interface CrossSiteInput {
  /** The Origin header, if the request has one. */
  readonly origin: string | undefined;
  /** The Sec-Fetch-Site header, if the request has one. */
  readonly fetchSite: string | undefined;
  /** This service's origin as the request addressed it (scheme and Host). */
  readonly ownOrigin: string;
  readonly allowedOrigins: ReadonlySet<string>;
}

function canonical(origin: string): string {
  try {
    return new URL(origin).origin;
  } catch {
    return origin.toLowerCase();
  }
}

/**
 * Why a changing request must be refused as sent by a web page of another site, or undefined.
 * Browsers mark requests with Origin and Sec-Fetch-Site; server-side callers (curl, ETL tools,
 * the Qlik REST connector) send neither and are never refused. An origin on the allow-list is
 * accepted whatever Sec-Fetch-Site says, since the pages of another site always say cross-site.
 */
export function crossSiteRefusal(input: CrossSiteInput): string | undefined {
  const origin = input.origin === undefined ? undefined : canonical(input.origin);
  if (origin !== undefined && input.allowedOrigins.has(origin)) return undefined;
  const own = canonical(input.ownOrigin);
  if (origin !== undefined && origin !== own) {
    return `a web page of ${input.origin!.slice(0, 100)} may not send this request: only this service's own origin (${own}) and ${ALLOWED_ORIGINS_KEY} may`;
  }
  const site = input.fetchSite?.toLowerCase();
  if (site === 'cross-site' || site === 'same-site') {
    return `a web page of another origin (Sec-Fetch-Site: ${site}) may not send this request: only this service's own origin (${own}) and ${ALLOWED_ORIGINS_KEY} may`;
  }
  return undefined;
}

function ownOriginOf(request: FastifyRequest): string {
  return `${request.protocol}://${request.host}`;
}

/**
 * With auth off (Butler's default), any page open in a browser on the network could start
 * reloads with a form post or `fetch(..., {mode: 'no-cors'})`, which needs no CORS preflight.
 * Every request that changes something is refused (403) when a browser says it comes from
 * another origin; reads stay open, as no CORS headers let other pages see their answers.
 */
export function refuseCrossSiteChanges(app: FastifyInstance, allowedOrigins: readonly string[]): void {
  const allowed = new Set(allowedOrigins.map(canonical));
  app.addHook('onRequest', async (request) => {
    if (READ_METHODS.has(request.method)) return;
    const { origin, 'sec-fetch-site': fetchSite } = request.headers;
    if (origin === undefined && fetchSite === undefined) return;
    const refusal = crossSiteRefusal({
      origin,
      fetchSite: Array.isArray(fetchSite) ? fetchSite[0] : fetchSite,
      ownOrigin: ownOriginOf(request),
      allowedOrigins: allowed,
    });
    if (refusal !== undefined) throw new CrossSiteRequestError(refusal);
  });
}
