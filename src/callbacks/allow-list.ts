import { BadRequestError } from '../errors.js';

// %2F and %5C: a receiver (or a proxy before it) that decodes them before routing would see
// a path outside the prefix, such as /hooks/..%2Fadmin → /admin.
const ENCODED_SEPARATOR = /%2f|%5c/i;

/**
 * True when `href` lies under `prefix`, both normalised. A prefix whose path is complete
 * (it ends with "/" or has a query or fragment) is a plain string prefix; otherwise its last
 * path segment must end where the URL's does, so `https://h/hooks` admits `https://h/hooks`,
 * `/hooks/...`, `/hooks?...` and `/hooks#...` but not `/hooksevil`.
 */
function isUnderPrefix(href: string, prefix: string): boolean {
  if (!href.startsWith(prefix)) return false;
  if (prefix.endsWith('/') || /[?#]/.test(prefix)) return true;
  return ['', '/', '?', '#'].includes(href.charAt(prefix.length));
}

/**
 * The URL a callback goes to, normalised, or a 400 before anything starts. Only URLs under
 * an allowed prefix (itself normalised at load) pass, so callers cannot make the service send
 * requests to internal addresses (server-side request forgery).
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
  // Only scheme, host and path are repeated: the query may carry a token.
  if (ENCODED_SEPARATOR.test(url.pathname)) {
    throw new BadRequestError(
      `query.callbackUrl must not have an encoded slash or backslash (%2F, %5C) in its path (got ${loggableUrl(url.href)})`,
    );
  }
  if (!allowedPrefixes.some((prefix) => isUnderPrefix(url.href, prefix))) {
    throw new BadRequestError(
      `query.callbackUrl must start with one of Butler.startTaskCallback.allowedUrlPrefixes, at a path segment boundary (got ${loggableUrl(url.href)})`,
    );
  }
  return url.href;
}

/** Scheme, host and path of a callback URL, for log lines: its query may carry a token. */
export function loggableUrl(href: string): string {
  const url = new URL(href);
  return `${url.origin}${url.pathname}`;
}
