export interface ParsedQuery {
  params: Map<string, string>;
  /**
   * Why QRS would refuse this query string, if it would: an unencoded `&` inside a value
   * leaves a fragment without `=` (live QRS: `400 Missing parameter value(s)`); a stray `%`
   * cannot be decoded.
   */
  problem: 'missing-value' | 'malformed' | null;
}

/**
 * Splits a raw query string (no leading `?`) with decodeURIComponent semantics, so `+` stays
 * a plus. Parameter names are lower-cased: QRS accepts both `Xrfkey` and `xrfkey`.
 */
export function parseQueryString(raw: string): ParsedQuery {
  const params = new Map<string, string>();
  let problem: ParsedQuery['problem'] = null;
  for (const part of raw.split('&')) {
    if (part === '') continue;
    const eq = part.indexOf('=');
    if (eq === -1) {
      problem ??= 'missing-value';
      continue;
    }
    let name: string;
    let value: string;
    try {
      name = decodeURIComponent(part.slice(0, eq)).toLowerCase();
      value = decodeURIComponent(part.slice(eq + 1));
    } catch {
      problem ??= 'malformed';
      continue;
    }
    if (!params.has(name)) params.set(name, value);
  }
  return { params, problem };
}
