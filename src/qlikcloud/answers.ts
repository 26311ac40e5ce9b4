/**
 * Reading Qlik Cloud's answers: error bodies, list pages (with their `links.next`), items,
 * collections, reloads and OAuth tokens. Anything not shaped as documented is an
 * UnexpectedAnswerError, which the caller reports as a QlikCloudResponseError.
 */
import type { CloudApp, CloudReload } from './types.js';
import type { CloudAnswer } from './transport.js';

/** Thrown by an interpreter when an answer is not one it can use. */
export class UnexpectedAnswerError extends Error {}

const EXCERPT_LENGTH = 200;

export function excerptOf(answer: CloudAnswer): string {
  return answer.text.slice(0, EXCERPT_LENGTH);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function parseJson(answer: CloudAnswer): unknown {
  try {
    return JSON.parse(answer.text) as unknown;
  } catch {
    throw new UnexpectedAnswerError(`${answer.status} answer is not JSON`);
  }
}

function jsonRecord(answer: CloudAnswer): Record<string, unknown> {
  const body = parseJson(answer);
  if (!isRecord(body)) throw new UnexpectedAnswerError(`${answer.status} answer is not a JSON object`);
  return body;
}

export interface CloudErrorBody {
  /** `errors[0].code` (`RELOADS-007`), or an OAuth answer's `error` (`invalid_client`). */
  readonly code: string | undefined;
  readonly title: string | undefined;
}

/** What an error answer says, as far as it says anything. */
export function errorBodyOf(answer: CloudAnswer): CloudErrorBody {
  let body: unknown;
  try {
    body = JSON.parse(answer.text);
  } catch {
    return { code: undefined, title: undefined };
  }
  if (!isRecord(body)) return { code: undefined, title: undefined };
  const first: unknown = Array.isArray(body.errors) ? body.errors[0] : body;
  if (!isRecord(first)) return { code: undefined, title: undefined };
  const code = first.code ?? first.error;
  const title = first.title ?? first.error_description;
  return { code: typeof code === 'string' ? code : undefined, title: typeof title === 'string' ? title : undefined };
}

/** `404 HTTP-404 Not Found`: status, Qlik's code and title, as far as known. */
export function describeAnswer(answer: CloudAnswer): string {
  const { code, title } = errorBodyOf(answer);
  return [String(answer.status), code, title].filter((part) => part !== undefined && part !== '').join(' ');
}

export function unexpectedStatus(answer: CloudAnswer): UnexpectedAnswerError {
  return new UnexpectedAnswerError(describeAnswer(answer));
}

export interface Page<T> {
  readonly data: T[];
  /** `links.next.href`, resolved; absent on the last page. */
  readonly next: URL | undefined;
}

/**
 * A list page, whose `links.next` is followed only on the tenant's own origin (the token
 * goes wherever the link points) and never back to a page already read.
 */
export function parsePage<T>(answer: CloudAnswer, parseItem: (item: unknown) => T, tenantOrigin: string, visited: ReadonlySet<string>): Page<T> {
  if (answer.status !== 200) throw unexpectedStatus(answer);
  const body = jsonRecord(answer);
  if (!Array.isArray(body.data)) throw new UnexpectedAnswerError('answer has no data list');
  const data = body.data.map(parseItem);
  const href = isRecord(body.links) && isRecord(body.links.next) ? body.links.next.href : undefined;
  if (href === undefined || href === null || href === '') return { data, next: undefined };
  if (typeof href !== 'string') throw new UnexpectedAnswerError('links.next.href is not a string');
  let next: URL;
  try {
    next = new URL(href, tenantOrigin);
  } catch {
    throw new UnexpectedAnswerError('links.next.href is not a URL');
  }
  if (next.origin !== tenantOrigin) {
    throw new UnexpectedAnswerError(`links.next points to ${next.origin}, not the tenant: not followed`);
  }
  if (visited.has(next.href)) throw new UnexpectedAnswerError('links.next points back to a page already read');
  return { data, next };
}

function text(record: Record<string, unknown>, field: string): string {
  const value = record[field];
  if (typeof value !== 'string' || value === '') throw new UnexpectedAnswerError(`${field} is missing or not a string`);
  return value;
}

function optionalText(record: Record<string, unknown>, field: string): string | null {
  const value = record[field];
  if (value === undefined || value === null) return null;
  if (typeof value !== 'string') throw new UnexpectedAnswerError(`${field} is not a string`);
  return value;
}

/** An `/api/v1/items` entry that is an app; other resource types are null. */
export function parseAppItem(item: unknown): CloudApp | null {
  if (!isRecord(item)) throw new UnexpectedAnswerError('an item is not an object');
  if (item.resourceType !== undefined && item.resourceType !== 'app') return null;
  const meta = isRecord(item.meta) ? item.meta : {};
  const tags = Array.isArray(meta.tags) ? meta.tags.filter(isRecord).map((tag) => tag.name).filter((name): name is string => typeof name === 'string') : [];
  return { id: text(item, 'resourceId'), name: optionalText(item, 'name') ?? '', tags };
}

export interface CloudCollection {
  readonly id: string;
  readonly name: string;
}

export function parseCollection(item: unknown): CloudCollection {
  if (!isRecord(item)) throw new UnexpectedAnswerError('a collection is not an object');
  return { id: text(item, 'id'), name: text(item, 'name') };
}

export function parseReload(value: unknown): CloudReload {
  if (!isRecord(value)) throw new UnexpectedAnswerError('a reload is not an object');
  const partial = value.partial ?? false;
  if (typeof partial !== 'boolean') throw new UnexpectedAnswerError('partial is not a boolean');
  return {
    id: text(value, 'id'),
    appId: text(value, 'appId'),
    status: text(value, 'status'),
    partial,
    creationTime: optionalText(value, 'creationTime'),
    startTime: optionalText(value, 'startTime'),
    endTime: optionalText(value, 'endTime'),
    log: optionalText(value, 'log'),
  };
}

/** A 200 or 201 answer holding one reload. */
export function reloadOf(answer: CloudAnswer): CloudReload {
  return parseReload(jsonRecord(answer));
}

export interface AccessToken {
  readonly token: string;
  readonly expiresInMs: number;
}

export function parseTokenAnswer(answer: CloudAnswer): AccessToken {
  if (answer.status !== 200) throw unexpectedStatus(answer);
  const body = jsonRecord(answer);
  const expiresIn = body.expires_in;
  // 0 is a token to use at once and renew before the next call.
  if (typeof expiresIn !== 'number' || !Number.isFinite(expiresIn) || expiresIn < 0) {
    throw new UnexpectedAnswerError('expires_in is missing or not a number of seconds');
  }
  // Only the field's name goes into the message: the token itself must never reach one.
  if (typeof body.access_token !== 'string' || body.access_token === '') throw new UnexpectedAnswerError('access_token is missing');
  return { token: body.access_token, expiresInMs: expiresIn * 1000 };
}
