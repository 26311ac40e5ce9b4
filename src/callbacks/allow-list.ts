import { BadRequestError } from '../errors.js';

/**
 * The URL a callback goes to, normalised, or a 400 before anything starts. Only URLs that
 * start with an allowed prefix (itself normalised at load) pass, so callers cannot make the
 * service send requests to internal addresses (server-side request forgery).
 */
export function allowedCallbackUrl(raw: string, allowedPrefixes: readonly string[]): string {
  if (allowedPrefixes.length === 0) {
    throw new BadRequestError(
      'query.callbackUrl must be left out: callbacks are off (Butler.startTaskCallback.allowedUrlPrefixes is empty)',
    );
  }
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new BadRequestError('query.callbackUrl must be an absolute http:// or https:// URL (got text that is not a URL)');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new BadRequestError(`query.callbackUrl must be an absolute http:// or https:// URL (got a ${url.protocol} URL)`);
  }
  if (!allowedPrefixes.some((prefix) => url.href.startsWith(prefix))) {
    // Only scheme, host and path are repeated: the query may carry a token.
    throw new BadRequestError(
      `query.callbackUrl must start with one of Butler.startTaskCallback.allowedUrlPrefixes (got ${loggableUrl(url.href)})`,
    );
  }
  return url.href;
}

/** Scheme, host and path of a callback URL, for log lines: its query may carry a token. */
export function loggableUrl(href: string): string {
  const url = new URL(href);
  return `${url.origin}${url.pathname}`;
}
