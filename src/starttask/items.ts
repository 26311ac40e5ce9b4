/**
 * Turns the start-task request body into typed items, or refuses it with a message that
 * names the offending item and field (`body[2].payload.taskId must be a string`), before
 * anything is looked up, written or started.
 */
import { BadRequestError, kindOf } from '../errors.js';
import { KvLimitError, type KvLimitName } from '../kvstore/errors.js';
import type { KvPair } from '../kvstore/types.js';
import { parseTtl } from '../kvstore/ttl.js';
import { MAX_RELOAD_VARIABLE_LENGTH, MAX_RELOAD_VARIABLES } from '../qlikcloud/index.js';

/** How much a start request may hold; every limit is checked before any work. */
export interface StartItemLimits {
  /** Butler.startTask.maxItems */
  readonly maxItems: number;
  /** Butler.startTask.maxFieldLength: task IDs, tags, custom property names and values. */
  readonly maxFieldLength: number;
  /** Butler.keyValueStore's lengths, for keyvaluestore items (refused as the key-value API refuses them). */
  readonly pairs: { readonly maxNamespaceLength: number; readonly maxKeyLength: number; readonly maxValueLength: number };
}

export type StartItem =
  | { readonly type: 'starttaskid'; readonly taskId: string }
  | { readonly type: 'starttasktag'; readonly tag: string }
  | { readonly type: 'starttaskcustomproperty'; readonly name: string; readonly value: string }
  | { readonly type: 'keyvaluestore'; readonly pair: KvPair }
  | { readonly type: 'reloadvariable'; readonly name: string; readonly value: string };

export const START_ITEM_TYPES = ['starttaskid', 'starttasktag', 'starttaskcustomproperty', 'keyvaluestore', 'reloadvariable'] as const;

type StartItemType = (typeof START_ITEM_TYPES)[number];

function isStartItemType(value: unknown): value is StartItemType {
  return typeof value === 'string' && (START_ITEM_TYPES as readonly string[]).includes(value);
}

type Payload = Record<string, unknown>;

function isPlainObject(value: unknown): value is Payload {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Reads one string field of a payload; `allowEmpty` is for values that may be "" (a task id is reported, not refused). */
function stringField(payload: Payload, field: string, where: string, allowEmpty: boolean): string {
  const value = payload[field];
  if (typeof value !== 'string') {
    throw new BadRequestError(`${where}.${field} must be a string (got ${kindOf(value)})`);
  }
  if (!allowEmpty && value === '') {
    throw new BadRequestError(`${where}.${field} must not be empty (got "")`);
  }
  return value;
}

/** Refuses a field longer than `max`; `tooLong` makes the error (a 400 unless given). */
function limited(
  value: string,
  field: string,
  where: string,
  max: number,
  configKey: string,
  tooLong: (message: string) => Error = (message) => new BadRequestError(message),
): string {
  if (value.length > max) {
    throw tooLong(`${where}.${field} is ${value.length} characters long; the limit is ${max} (${configKey})`);
  }
  return value;
}

function pairField(payload: Payload, field: 'namespace' | 'key' | 'value', where: string, limits: StartItemLimits['pairs']): string {
  const [limit, max, status]: [KvLimitName, number, 400 | 413] =
    field === 'namespace'
      ? ['maxNamespaceLength', limits.maxNamespaceLength, 400]
      : field === 'key'
        ? ['maxKeyLength', limits.maxKeyLength, 400]
        : ['maxValueLength', limits.maxValueLength, 413];
  const value = stringField(payload, field, where, field === 'value');
  return limited(value, field, where, max, `Butler.keyValueStore.${limit}`, (message) => new KvLimitError(limit, status, message));
}

/** Counted in characters (code points), as Qlik Cloud counts them, not UTF-16 units. */
function variableField(payload: Payload, field: 'name' | 'value', where: string): string {
  const value = stringField(payload, field, where, field === 'value');
  const length = [...value].length;
  if (length > MAX_RELOAD_VARIABLE_LENGTH) {
    throw new BadRequestError(
      `${where}.${field} must be at most ${MAX_RELOAD_VARIABLE_LENGTH} characters, as Qlik Cloud takes reload variables (got ${length})`,
    );
  }
  return value;
}

function ttlField(payload: Payload, where: string): number {
  return parseTtl(payload.ttl, `${where}.ttl`);
}

function parseItem(raw: unknown, index: number, limits: StartItemLimits): StartItem {
  const where = `body[${index}]`;
  if (!isPlainObject(raw)) {
    throw new BadRequestError(`${where} must be an object with "type" and "payload" (got ${kindOf(raw)})`);
  }
  const { type, payload } = raw;
  if (!isStartItemType(type)) {
    const got = typeof type === 'string' ? JSON.stringify(type.slice(0, 40)) : kindOf(type);
    throw new BadRequestError(`${where}.type must be one of ${START_ITEM_TYPES.join(', ')} (got ${got})`);
  }
  if (!isPlainObject(payload)) {
    throw new BadRequestError(`${where}.payload must be an object (got ${kindOf(payload)})`);
  }
  const at = `${where}.payload`;
  const field = (name: string, allowEmpty: boolean) =>
    limited(stringField(payload, name, at, allowEmpty), name, at, limits.maxFieldLength, 'Butler.startTask.maxFieldLength');
  switch (type) {
    case 'starttaskid':
      // Any string is accepted: one that is not a task's GUID is reported as invalid, as Butler does.
      return { type: 'starttaskid', taskId: field('taskId', true) };
    case 'starttasktag':
      return { type: 'starttasktag', tag: field('tag', false) };
    case 'starttaskcustomproperty':
      return {
        type: 'starttaskcustomproperty',
        name: field('customPropertyName', false),
        value: field('customPropertyValue', false),
      };
    case 'keyvaluestore':
      return {
        type: 'keyvaluestore',
        pair: {
          namespace: pairField(payload, 'namespace', at, limits.pairs),
          key: pairField(payload, 'key', at, limits.pairs),
          value: pairField(payload, 'value', at, limits.pairs),
          ttl: ttlField(payload, at),
        },
      };
    case 'reloadvariable':
      return { type: 'reloadvariable', name: variableField(payload, 'name', at), value: variableField(payload, 'value', at) };
  }
}

/**
 * Reload variables become one object per Qlik Cloud reload: a name given twice would silently
 * lose a value, and Qlik Cloud refuses more than 20 only after the first reloads started.
 */
function checkReloadVariables(items: readonly StartItem[]): void {
  const total = items.filter((item) => item.type === 'reloadvariable').length;
  const firstIndexOf = new Map<string, number>();
  items.forEach((item, index) => {
    if (item.type !== 'reloadvariable') return;
    const first = firstIndexOf.get(item.name);
    if (first !== undefined) {
      throw new BadRequestError(`body[${index}].payload.name must not repeat the variable of body[${first}] (got ${JSON.stringify(item.name)})`);
    }
    if (firstIndexOf.size === MAX_RELOAD_VARIABLES) {
      throw new BadRequestError(
        `body[${index}] must not be reload variable number ${MAX_RELOAD_VARIABLES + 1}: Qlik Cloud takes at most ` +
          `${MAX_RELOAD_VARIABLES} per reload (got ${total} reloadvariable items)`,
      );
    }
    firstIndexOf.set(item.name, index);
  });
}

/**
 * The parsed JSON body (undefined when the request had none) → items in request order.
 * An absent body, `null`, `[]` and `{}` all mean "no items": Butler's docs tell callers to
 * send `[]`, and clients built for Butler send the others.
 */
export function parseStartItems(body: unknown, limits: StartItemLimits): StartItem[] {
  const { maxItems } = limits;
  if (body === undefined || body === null) return [];
  if (isPlainObject(body) && Object.keys(body).length === 0) return [];
  if (!Array.isArray(body)) {
    throw new BadRequestError(`body must be an array of {type, payload} items (got ${kindOf(body)})`);
  }
  if (body.length > maxItems) {
    throw new BadRequestError(`body must hold at most ${maxItems} items (got ${body.length})`);
  }
  const items = body.map((item, index) => parseItem(item, index, limits));
  checkReloadVariables(items);
  return items;
}
