import { isMapping } from './value-shape.js';

/** A key path in a config document: mapping keys and list indexes, from the root. */
export type KeyPath = readonly (string | number)[];

export type ValueSource =
  | { readonly kind: 'default'; readonly file: string }
  | { readonly kind: 'file'; readonly file: string }
  | { readonly kind: 'env'; readonly variable: string }
  | { readonly kind: 'cli'; readonly flag: string };

/** Tells, for any key path, which layer its merged value came from (highest layer wins). */
export interface ValueSources {
  sourceOf(path: KeyPath): ValueSource;
}

export interface ValueLayers {
  defaultsFile: string;
  userFile: string;
  userDocument: Record<string, unknown>;
  /** The custom-environment-variables mapping and the values it produced. */
  envMapping: Record<string, unknown>;
  envValues: Record<string, unknown>;
  /** Key paths set from command-line flags, with the flag that set them. */
  cliOverrides: readonly { path: KeyPath; flag: string }[];
}

/** `Butler.configQRS.headers.static[0].value` */
export function formatKeyPath(path: KeyPath): string {
  return path
    .map((segment, index) => {
      if (typeof segment === 'number') return `[${segment}]`;
      return index === 0 ? segment : `.${segment}`;
    })
    .join('');
}

export function createValueSources(layers: ValueLayers): ValueSources {
  return {
    sourceOf(path) {
      const cli = layers.cliOverrides.find((override) => startsWith(path, override.path));
      if (cli) return { kind: 'cli', flag: cli.flag };
      const variable = envVariableFor(layers.envMapping, layers.envValues, path);
      if (variable) return { kind: 'env', variable };
      if (isSetIn(layers.userDocument, path)) return { kind: 'file', file: layers.userFile };
      return { kind: 'default', file: layers.defaultsFile };
    },
  };
}

export function describeSource(source: ValueSource): string {
  switch (source.kind) {
    case 'cli':
      return source.flag;
    case 'env':
      return `environment variable ${source.variable}`;
    case 'file':
    case 'default':
      return source.file;
  }
}

function startsWith(path: KeyPath, prefix: KeyPath): boolean {
  return prefix.length <= path.length && prefix.every((segment, index) => path[index] === segment);
}

/** The variable whose value now sits at `path` or one of its ancestors, if any. */
function envVariableFor(mapping: unknown, values: unknown, path: KeyPath): string | undefined {
  let mappingNode = mapping;
  let valueNode = values;
  for (const segment of path) {
    if (!isMapping(mappingNode) || !isMapping(valueNode) || typeof segment !== 'string') return undefined;
    mappingNode = mappingNode[segment];
    valueNode = valueNode[segment];
    if (valueNode === undefined) return undefined;
    if (typeof mappingNode === 'string') return mappingNode;
    if (isMapping(mappingNode) && typeof mappingNode.__name === 'string') return mappingNode.__name;
  }
  return undefined;
}

/**
 * True when the document itself holds `path`. Lists are replaced whole by the merge, so
 * anything inside a list the document has came from it; so does anything below a scalar the
 * document put where a mapping was expected.
 */
function isSetIn(document: unknown, path: KeyPath): boolean {
  let node = document;
  for (const segment of path) {
    if (!isMapping(node)) return true;
    node = node[segment];
    if (node === undefined) return false;
  }
  return true;
}
