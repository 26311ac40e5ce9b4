/**
 * Serialises query parameters with encodeURIComponent, applied exactly once. Axios's
 * default serializer leaves `:`, `$` and `,` bare and writes spaces as `+`, which a server
 * that only decodes %XX reads as a literal plus; a raw `#`, `&` or `%` would break the call.
 */
export function encodeQueryString(params: Readonly<Record<string, string>>): string {
  return Object.entries(params)
    .map(([name, value]) => `${encodeURIComponent(name)}=${encodeURIComponent(value)}`)
    .join('&');
}

/** How many characters `value` takes in a query string built by encodeQueryString. */
export function encodedLength(value: string): number {
  return encodeURIComponent(value).length;
}
