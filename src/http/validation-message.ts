/**
 * Fastify's schema refusals in the service's one message shape,
 * `<location> must <rule> (got <what was sent>)`, e.g. `body.value must be a string (got null)`,
 * instead of the validator's `body/value must be string`.
 */
import type { FastifyError, FastifyRequest } from 'fastify';
import { kindOf } from '../errors.js';

type SchemaError = NonNullable<FastifyError['validation']>[number];

const LOCATIONS: Record<string, string> = { body: 'body', querystring: 'query', params: 'params', headers: 'headers' };

const TYPE_RULES: Record<string, string> = {
  string: 'be a string',
  integer: 'be a whole number',
  number: 'be a number',
  boolean: 'be true or false',
  object: 'be an object',
  array: 'be an array',
  null: 'be null',
};

/** "/a/0/b" → ".a[0].b" */
function pathOf(instancePath: string): string {
  return instancePath
    .split('/')
    .slice(1)
    .map((part) => (/^\d+$/.test(part) ? `[${part}]` : `.${part.replace(/~1/g, '/').replace(/~0/g, '~')}`))
    .join('');
}

function valueAt(root: unknown, instancePath: string): unknown {
  let value = root;
  for (const part of instancePath.split('/').slice(1)) {
    if (typeof value !== 'object' || value === null) return undefined;
    value = (value as Record<string, unknown>)[part.replace(/~1/g, '/').replace(/~0/g, '~')];
  }
  return value;
}

/** A short rendering of a sent value: "" and numbers as they are, anything else by its kind. */
function shown(value: unknown): string {
  if (value === '') return '""';
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return kindOf(value);
}

function phrase(error: SchemaError, location: string, value: unknown): string {
  const params = error.params as Record<string, unknown>;
  switch (error.keyword) {
    case 'required':
      return `${location}.${String(params.missingProperty)} must be present (got undefined)`;
    case 'type': {
      const types = String(params.type).split(',');
      return `${location} must ${types.map((type) => TYPE_RULES[type] ?? `be ${type}`).join(' or ')} (got ${kindOf(value)})`;
    }
    case 'minLength':
      return params.limit === 1
        ? `${location} must not be empty (got ${shown(value)})`
        : `${location} must be at least ${String(params.limit)} characters long (got ${shown(value)})`;
    case 'maxLength':
      return `${location} must be at most ${String(params.limit)} characters long (got ${typeof value === 'string' ? value.length : shown(value)}${typeof value === 'string' ? ' characters' : ''})`;
    case 'minimum':
      return `${location} must be ${String(params.limit)} or more (got ${shown(value)})`;
    case 'maximum':
      return `${location} must be ${String(params.limit)} or less (got ${shown(value)})`;
    case 'enum':
      return `${location} must be one of ${(params.allowedValues as unknown[]).map(String).join(', ')} (got ${typeof value === 'string' ? JSON.stringify(value.slice(0, 40)) : shown(value)})`;
    default:
      // The validator's own rule text ("must match pattern ..."), in the same shape.
      return `${location} ${error.message ?? 'must match the schema'} (got ${shown(value)})`;
  }
}

/** The message for a FastifyError carrying `validation`; the first refusal names the fix. */
export function validationMessage(error: FastifyError, request: FastifyRequest): string {
  const first = error.validation?.[0];
  if (!first) return error.message;
  const context = error.validationContext ?? 'body';
  const location = LOCATIONS[context] ?? context;
  const root = (request as unknown as Record<string, unknown>)[location];
  const where = `${location}${pathOf(first.instancePath)}`;
  return phrase(first, where, valueAt(root, first.instancePath));
}
