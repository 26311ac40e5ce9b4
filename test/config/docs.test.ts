import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import * as yaml from 'js-yaml';
import { ButlerFileSchema } from '../../src/config/schema.js';

const root = new URL('../../', import.meta.url);
const docs = readFileSync(new URL('docs/configuration.md', root), 'utf8');

/** Dotted paths of every key the schema reads; a list counts as one key. */
function schemaKeys(schema: unknown, prefix: string[] = []): string[] {
  const properties = (schema as { properties?: Record<string, unknown> }).properties;
  if (!properties) return [prefix.join('.')];
  return Object.entries(properties).flatMap(([name, child]) => schemaKeys(child, [...prefix, name]));
}

function envVariables(mapping: unknown): string[] {
  if (typeof mapping === 'string') return [mapping];
  const node = mapping as Record<string, unknown>;
  if (typeof node.__name === 'string') return [node.__name];
  return Object.values(node).flatMap(envVariables);
}

test('docs/configuration.md has a row for every key the service reads', () => {
  const keys = schemaKeys(ButlerFileSchema);
  assert.ok(keys.length >= 48, `only ${keys.length} keys found`);
  const missing = keys.filter((key) => !docs.includes(`| \`${key}\``));
  assert.deepEqual(missing, []);
});

test('docs/configuration.md names every STG_* environment variable', () => {
  const mapping = yaml.load(readFileSync(new URL('config/custom-environment-variables.yaml', root), 'utf8'));
  const variables = envVariables(mapping);
  assert.ok(variables.length >= 11);
  assert.deepEqual(variables.filter((variable) => !docs.includes(`\`${variable}\``)), []);
  assert.ok(variables.every((variable) => variable.startsWith('STG_')));
});
