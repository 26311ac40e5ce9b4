/**
 * Turns the start-task request body into typed items, or refuses it with a message that
 * names the offending item and field (`body[2].payload.taskId must be a string`), before
 * anything is looked up, written or started.
 */
import { BadRequestError } from '../errors.js';
import type { KvPair } from '../kvstore/types.js';
import { parseTtl } from '../kvstore/ttl.js';

export type StartItem =
  | { readonly type: 'starttaskid'; readonly taskId: string }
  | { readonly type: 'starttasktag'; readonly tag: string }
  | { readonly type: 'starttaskcustomproperty'; readonly name: string; readonly value: string }
  | { readonly type: 'keyvaluestore'; readonly pair: KvPair };

export const START_ITEM_TYPES = ['starttaskid', 'starttasktag', 'starttaskcustomproperty', 'keyvaluestore'] as const;
type StartItemType = (typeof START_ITEM_TYPES)[number];

function isStartItemType(value: unknown): value is StartItemType {
  return typeof value === 'string' && (START_ITEM_TYPES as readonly string[]).includes(value);
}

type Payload = Record<string, unknown>;

function isPlainObject(value: unknown): value is Payload {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** What a caller sent instead, for messages ("got a number"); never the value itself. */
function describe(value: unknown): string {
  if (value === null || value === undefined) return String(value);
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'object' ? 'an object' : `a ${typeof value}`;
}

/** Reads one string field of a payload; `allowEmpty` is for values that may be "" (a task id is reported, not refused). */
function stringField(payload: Payload, field: string, where: string, allowEmpty: boolean): string {
  const value = payload[field];
  if (typeof value !== 'string') {
    throw new BadRequestError(`${where}.${field} must be a string (got ${describe(value)})`);
  }
  if (!allowEmpty && value === '') {
    throw new BadRequestError(`${where}.${field} must not be empty`);
  }
  return value;
}

function ttlField(payload: Payload, where: string): number {
  try {
    return parseTtl(payload.ttl);
  } catch (error) {
    if (!(error instanceof BadRequestError)) throw error;
    throw new BadRequestError(`${where}.ttl is not a valid TTL: ${error.message}`);
  }
}

function parseItem(raw: unknown, index: number): StartItem {
  const where = `body[${index}]`;
  if (!isPlainObject(raw)) {
    throw new BadRequestError(`${where} must be an object with "type" and "payload" (got ${describe(raw)})`);
  }
  const { type, payload } = raw;
  if (!isStartItemType(type)) {
    const got = typeof type === 'string' ? JSON.stringify(type.slice(0, 40)) : describe(type);
    throw new BadRequestError(`${where}.type must be one of ${START_ITEM_TYPES.join(', ')} (got ${got})`);
  }
  if (!isPlainObject(payload)) {
    throw new BadRequestError(`${where}.payload must be an object (got ${describe(payload)})`);
  }
  const at = `${where}.payload`;
  switch (type) {
    case 'starttaskid':
      // Any string is accepted: one that is not a task's GUID is reported as invalid, as Butler does.
      return { type: 'starttaskid', taskId: stringField(payload, 'taskId', at, true) };
    case 'starttasktag':
      return { type: 'starttasktag', tag: stringField(payload, 'tag', at, false) };
    case 'starttaskcustomproperty':
      return {
        type: 'starttaskcustomproperty',
        name: stringField(payload, 'customPropertyName', at, false),
        value: stringField(payload, 'customPropertyValue', at, false),
      };
    case 'keyvaluestore':
      return {
        type: 'keyvaluestore',
        pair: {
          namespace: stringField(payload, 'namespace', at, false),
          key: stringField(payload, 'key', at, false),
          value: stringField(payload, 'value', at, true),
          ttl: ttlField(payload, at),
        },
      };
  }
}

/**
 * The parsed JSON body (undefined when the request had none) → items in request order.
 * An absent body, `null`, `[]` and `{}` all mean "no items": Butler's docs tell callers to
 * send `[]`, and clients built for Butler send the others.
 */
export function parseStartItems(body: unknown, maxItems: number): StartItem[] {
  if (body === undefined || body === null) return [];
  if (isPlainObject(body) && Object.keys(body).length === 0) return [];
  if (!Array.isArray(body)) {
    throw new BadRequestError(`body must be an array of {type, payload} items (got ${describe(body)})`);
  }
  if (body.length > maxItems) {
    throw new BadRequestError(`body must hold at most ${maxItems} items (got ${body.length})`);
  }
  return body.map(parseItem);
}
