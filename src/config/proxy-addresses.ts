import { isIP } from 'node:net';

/**
 * What is wrong with one `trustProxy` entry, or undefined when it is an IP address or a
 * CIDR range (`10.0.0.5`, `10.0.0.0/24`, `fd00::/8`). Host names are refused: the proxy's
 * address is compared with each connection's peer address, and nothing is resolved.
 */
export function proxyAddressProblem(entry: string): string | undefined {
  const [address = '', prefix, ...extra] = entry.split('/');
  const version = address.includes('%') ? 0 : isIP(address);
  if (extra.length > 0 || version === 0) {
    return 'must be an IP address or a CIDR range such as 10.0.0.5, 10.0.0.0/24 or fd00::/8 (host names are not resolved)';
  }
  if (prefix === undefined) return undefined;
  const maxPrefix = version === 4 ? 32 : 128;
  if (!/^\d{1,3}$/.test(prefix) || Number(prefix) > maxPrefix) {
    return `has a prefix length that is not 0-${maxPrefix} (after the "/" of an IPv${version} range)`;
  }
  return undefined;
}

/** True when the entry is a /0 range: it trusts every peer, so anyone may name its own address. */
export function trustsEveryone(entry: string): boolean {
  return /\/0+$/.test(entry);
}
