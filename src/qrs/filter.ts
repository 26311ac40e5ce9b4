/**
 * Builds QRS filter expressions (`tags.name eq 'x'`, `id eq <guid> or ...`). Every value
 * that reaches a filter goes through here, so quoting and escaping live in one place.
 * The result is the raw expression; URL-encoding it is the transport's job (done once).
 */
import { BadRequestError } from '../errors.js';
import type { FilterQuoteEscape } from '../config/settings.js';

/** A filter expression built by this module (never a string spliced together elsewhere). */
export type QrsFilter = string & { readonly __qrsFilter: true };

const GUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const PROPERTY_PATTERN = /^[A-Za-z][A-Za-z0-9]*(?:\.[A-Za-z][A-Za-z0-9]*)*$/;
// A lone UTF-16 surrogate cannot be URL-encoded, so QRS could never be asked about it.
const LONE_SURROGATE = /\p{Cs}/u;

export function isGuid(value: string): boolean {
  return GUID_PATTERN.test(value);
}

/** A single-quoted literal; QRS is live-verified to want `\'`, Butler used `''`. */
export function quoteLiteral(value: string, quoteEscape: FilterQuoteEscape): string {
  if (LONE_SURROGATE.test(value)) {
    throw new BadRequestError('A tag or custom property value is not valid Unicode text');
  }
  const escaped =
    quoteEscape === 'backslash'
      ? value.replace(/[\\']/g, (char) => `\\${char}`)
      : value.replace(/'/g, "''");
  return `'${escaped}'`;
}

/** `property eq 'value'` with the value quoted and escaped. */
export function eq(property: string, value: string, quoteEscape: FilterQuoteEscape): QrsFilter {
  if (!PROPERTY_PATTERN.test(property)) {
    throw new TypeError(`Not a QRS filter property name: ${JSON.stringify(property)}`);
  }
  return `${property} eq ${quoteLiteral(value, quoteEscape)}` as QrsFilter;
}

/** `id eq A or id eq B ...`; GUIDs are written bare, so only GUIDs are accepted. */
export function idIn(ids: readonly string[]): QrsFilter {
  if (ids.length === 0) {
    // An empty filter would match every task in the repository.
    throw new TypeError('idIn needs at least one id');
  }
  for (const id of ids) {
    if (!isGuid(id)) throw new TypeError(`Not a GUID: ${JSON.stringify(id)}`);
  }
  return ids.map((id) => `id eq ${id}`).join(' or ') as QrsFilter;
}

function combine(conjunction: 'and' | 'or', filters: readonly QrsFilter[]): QrsFilter {
  if (filters.length === 0) throw new TypeError(`${conjunction} needs at least one filter`);
  // Parentheses keep each operand whole whatever QRS's precedence of and/or is.
  return filters.map((filter) => `(${filter})`).join(` ${conjunction} `) as QrsFilter;
}

export function and(...filters: readonly QrsFilter[]): QrsFilter {
  return combine('and', filters);
}

export function or(...filters: readonly QrsFilter[]): QrsFilter {
  return combine('or', filters);
}

function checkProperty(property: string): void {
  if (!PROPERTY_PATTERN.test(property)) {
    throw new TypeError(`Not a QRS filter property name: ${JSON.stringify(property)}`);
  }
}

/** `property eq A or property eq B ...` for a GUID-valued property such as `executionID`. */
export function guidIn(property: string, ids: readonly string[]): QrsFilter {
  checkProperty(property);
  if (ids.length === 0) throw new TypeError('guidIn needs at least one id');
  for (const id of ids) {
    if (!isGuid(id)) throw new TypeError(`Not a GUID: ${JSON.stringify(id)}`);
  }
  return ids.map((id) => `${property} eq ${id}`).join(' or ') as QrsFilter;
}

/** `property ge 'value'`, e.g. an ISO time, which QRS compares in order [INF]. */
export function atLeast(property: string, value: string, quoteEscape: FilterQuoteEscape): QrsFilter {
  checkProperty(property);
  return `${property} ge ${quoteLiteral(value, quoteEscape)}` as QrsFilter;
}

/** Any of the filters: one stays as it is, several are joined with `or`. */
export function anyOf(filters: readonly QrsFilter[]): QrsFilter {
  return filters.length === 1 ? (filters[0] as QrsFilter) : or(...filters);
}
