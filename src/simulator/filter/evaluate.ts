import type { Comparison, FilterNode, Operator } from './ast.js';
import { cannotParse } from './errors.js';
import { parseFilter } from './parser.js';

/** How a filterable property compares; `names` lets an enum be written by name (`taskType eq Reload`). */
export type PropertyKind =
  | { type: 'guid' }
  | { type: 'string' }
  | { type: 'boolean' }
  | { type: 'number'; names?: Readonly<Record<string, number>> };

/** Filterable properties by lower-cased dotted path. Anything else is a 400, as [INF] for QRS. */
export type FilterSchema = Readonly<Record<string, PropertyKind>>;

export type Predicate = (entity: unknown) => boolean;

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const INTEGER = /^-?\d+$/;

type Scalar = string | number | boolean;

/** The value a comparison is against, in the comparable form of its property's kind. */
function coerceLiteral(node: Comparison, kind: PropertyKind): Scalar {
  const { quoted, text } = node.value;
  switch (kind.type) {
    case 'guid':
      // Clients write GUIDs bare (Butler, ctrl-q); a quoted GUID is accepted too [INF].
      if (!GUID.test(text)) {
        throw cannotParse(`'${text}' is not a GUID (property ${node.property})`);
      }
      return text.toLowerCase();
    case 'string':
      // Strings must be quoted; a bare word for a text property is refused [INF].
      if (!quoted) throw cannotParse(`value of ${node.property} must be a quoted string`);
      return text.toLowerCase();
    case 'boolean': {
      const lower = text.toLowerCase();
      if (quoted || (lower !== 'true' && lower !== 'false')) {
        throw cannotParse(`value of ${node.property} must be true or false`);
      }
      return lower === 'true';
    }
    case 'number': {
      if (!quoted && INTEGER.test(text)) return Number(text);
      const named = kind.names?.[text.toLowerCase()];
      if (named === undefined) throw cannotParse(`value of ${node.property} must be a number`);
      return named;
    }
  }
}

const ORDER_ONLY_FOR: ReadonlySet<PropertyKind['type']> = new Set(['string', 'number']);
const TEXT_ONLY: ReadonlySet<Operator> = new Set(['sw', 'ew', 'so']);

function checkOperator(node: Comparison, kind: PropertyKind): void {
  if (node.op === 'eq' || node.op === 'ne') return;
  if (TEXT_ONLY.has(node.op) ? kind.type === 'string' : ORDER_ONLY_FOR.has(kind.type)) return;
  throw cannotParse(`operator ${node.op} does not apply to ${node.property}`);
}

function compare(op: Operator, actual: Scalar, expected: Scalar): boolean {
  const left = typeof actual === 'string' ? actual.toLowerCase() : actual;
  switch (op) {
    case 'eq':
      return left === expected;
    case 'ne':
      return left !== expected;
    case 'gt':
      return left > expected;
    case 'ge':
      return left >= expected;
    case 'lt':
      return left < expected;
    case 'le':
      return left <= expected;
    case 'sw':
      return String(left).startsWith(String(expected));
    case 'ew':
      return String(left).endsWith(String(expected));
    case 'so':
      return String(left).includes(String(expected));
  }
}

function childOf(value: unknown, segment: string): unknown {
  if (typeof value !== 'object' || value === null) return undefined;
  const key = Object.keys(value).find((k) => k.toLowerCase() === segment);
  return key === undefined ? undefined : (value as Record<string, unknown>)[key];
}

/** Every scalar at `path`, flattening collections on the way (`tags.name` → each tag's name). */
function valuesAt(entity: unknown, path: string): Scalar[] {
  let current: unknown[] = [entity];
  for (const segment of path.split('.')) {
    current = current.flatMap((value) => {
      const child = childOf(value, segment);
      if (child === undefined || child === null) return [];
      return Array.isArray(child) ? child : [child];
    });
  }
  return current.filter(
    (v): v is Scalar => typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean',
  );
}

function compile(node: FilterNode, schema: FilterSchema): Predicate {
  if (node.kind !== 'comparison') {
    const operands = node.operands.map((operand) => compile(operand, schema));
    return node.kind === 'and'
      ? (entity) => operands.every((p) => p(entity))
      : (entity) => operands.some((p) => p(entity));
  }
  const { property, op } = node;
  const kind = schema[property];
  if (kind === undefined) throw cannotParse(`unknown property '${property}'`);
  checkOperator(node, kind);
  const expected = coerceLiteral(node, kind);
  // A collection matches when ANY element does, and each comparison looks at the collection
  // on its own: `a.x eq 1 and a.y eq 2` may be satisfied by two different elements, which is
  // how QRS is reported to treat custom properties. A missing value (null app) never matches.
  return (entity) => valuesAt(entity, property).some((v) => compare(op, v, expected));
}

/**
 * Parses and type-checks a filter against `schema`; throws FilterSyntaxError (a 400) for
 * anything QRS would refuse. An empty filter matches everything.
 */
export function compileFilter(filter: string, schema: FilterSchema): Predicate {
  const node = parseFilter(filter);
  return node === null ? () => true : compile(node, schema);
}
