import type { IncomingHttpHeaders } from 'node:http';
import { isIP } from 'node:net';
import type { FastifyInstance } from 'fastify';
import type { ServerSettings } from '../config/settings.js';
import { ServiceError } from '../errors.js';

export class HostNotAllowedError extends ServiceError {
  constructor(message: string) {
    super('ERR_HOST_NOT_ALLOWED', 403, message);
  }
}

const ALLOWED_HOSTS_KEY = 'Butler.restServerConfig.allowedHosts';
/** The longest Host value a refusal repeats. */
const MAX_ECHOED_HOST = 100;

/** A host name as compared: lower-case, without the trailing dot of a fully qualified name. */
function comparableHostName(name: string): string {
  return name.toLowerCase().replace(/\.$/, '');
}

/** `name[:port]` or `[IPv6][:port]`; anything else is not a Host value a browser sends. */
const HOST_VALUE = /^(\[[0-9A-Fa-f:.]+\]|[^:[\]]+)(?::\d*)?$/;

/** The host name part of a Host value (port dropped), comparable; undefined when malformed. */
function hostNameOf(host: string): string | undefined {
  const name = HOST_VALUE.exec(host)?.[1];
  return name === undefined ? undefined : comparableHostName(name);
}

function isIpLiteral(name: string): boolean {
  return isIP(name.startsWith('[') ? name.slice(1, -1) : name) !== 0;
}

/**
 * Why a browser's request addressed to `host` must be refused, or undefined. A page can reach
 * this service under a name of the attacker's (DNS rebinding: the name first resolves to the
 * attacker's server, then to this one), and is then same-origin with it. Such a page cannot
 * choose an IP address or localhost as its name, nor a name the operator listed: only those
 * are accepted. `allowedNames` holds comparable names.
 */
export function hostRefusal(host: string, allowedNames: ReadonlySet<string>): string | undefined {
  const name = hostNameOf(host);
  if (name !== undefined && (isIpLiteral(name) || allowedNames.has(name))) return undefined;
  const got = host === '' ? 'no Host header' : JSON.stringify(host.slice(0, MAX_ECHOED_HOST));
  return (
    `headers.host must be an IP address, localhost, Butler.restServerConfig.serverHost or a name listed in ` +
    `${ALLOWED_HOSTS_KEY} when a browser sends the request (got ${got}); other names are refused from browsers, ` +
    'as a DNS rebinding attack would use them'
  );
}

/** Browsers mark their requests with Origin or Sec-Fetch-*; server-side callers send neither. */
function hasBrowserMarkers(headers: IncomingHttpHeaders): boolean {
  return headers.origin !== undefined || Object.keys(headers).some((name) => name.startsWith('sec-fetch-'));
}

/**
 * With auth off (Butler's default), a page that reached the service by DNS rebinding could
 * read and change everything, as the same-origin check sees its own origin. Every request a
 * browser marks (reads included) is refused (403) unless its Host names the service by an IP
 * address, localhost, serverHost or a name on allowedHosts. The Host is compared without its
 * port and case-insensitively; it is the `X-Forwarded-Host` of a trustProxy peer, as for the
 * same-origin check. Server-side callers send no browser markers and are never refused here.
 */
export function refuseUnknownHostsFromBrowsers(app: FastifyInstance, settings: Pick<ServerSettings, 'host' | 'allowedHosts'>): void {
  const allowedNames = new Set(['localhost', settings.host, ...settings.allowedHosts].map(comparableHostName));
  app.addHook('onRequest', async (request) => {
    if (!hasBrowserMarkers(request.headers)) return;
    const refusal = hostRefusal(request.host, allowedNames);
    if (refusal !== undefined) throw new HostNotAllowedError(refusal);
  });
}
