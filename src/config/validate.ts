import { Value } from 'typebox/value';
import { apiKeyDigest } from './api-key-digest.js';
import { backendProblems } from './backend-rules.js';
import { ConfigValidationError, problemAt, type ConfigProblem } from './config-validation-error.js';
import { proxyAddressProblem } from './proxy-addresses.js';
import { ButlerFileSchema, type ButlerFile, type LeafAnnotations } from './schema.js';
import { describeValue, isMapping, valueAt } from './value-shape.js';
import { formatKeyPath, type KeyPath, type ValueSources } from './value-sources.js';

/**
 * Checks the merged document once against the schema plus the rules that span keys, and
 * throws one ConfigValidationError listing every problem, each naming its source and key.
 */
export function validateButlerFile(document: unknown, sources: ValueSources): ButlerFile {
  const problems = [...schemaProblems(document, sources), ...crossKeyProblems(document, sources)];
  const [first, ...rest] = problems;
  if (first) throw new ConfigValidationError([first, ...rest]);
  if (!Value.Check(ButlerFileSchema, document)) {
    // schemaProblems reports every schema error, so this only narrows the type.
    throw new ConfigValidationError([{ keyPath: 'Butler', message: 'Butler: invalid configuration' }]);
  }
  return document;
}

function schemaProblems(document: unknown, sources: ValueSources): ConfigProblem[] {
  const paths: KeyPath[] = [];
  for (const error of Value.Errors(ButlerFileSchema, document)) {
    const at = parsePointer(error.instancePath);
    if (error.keyword === 'required') {
      const missing = (error.params as { requiredProperties?: string[] }).requiredProperties ?? [];
      paths.push(...missing.map((key) => [...at, key]));
    } else {
      paths.push(at);
    }
  }
  return outermostOnly(paths).map((path) => {
    const annotations = annotationsAt(path);
    const value = valueAt(document, path);
    const got = annotations.sensitive
      ? '(the value is not shown: it may hold a credential)'
      : `got ${describeValue(value)}`;
    return problemAt(path, sources, `must be ${annotations.expected}, ${got}`);
  });
}

function crossKeyProblems(document: unknown, sources: ValueSources): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  const tlsPath = ['Butler', 'restServerConfig', 'tls'];
  const tls = valueAt(document, tlsPath);
  if (isMapping(tls) && tls.enable === true) {
    for (const key of ['cert', 'key']) {
      if (tls[key] === null) {
        const complaint = 'must be a file path when tls.enable is true';
        problems.push(problemAt([...tlsPath, key], sources, complaint, [...tlsPath, 'enable']));
      }
    }
  }
  problems.push(
    ...clientCaProblems(document, sources),
    ...apiKeyProblems(document, sources),
    ...trustProxyProblems(document, sources),
    ...backendProblems(document, sources),
  );
  const headersPath = ['Butler', 'configQRS', 'headers', 'static'];
  const headers = valueAt(document, headersPath);
  const qrsEnabled = valueAt(document, ['Butler', 'configQRS', 'enable']) !== false;
  if (qrsEnabled && Array.isArray(headers) && !headers.some(isQlikUserHeader)) {
    const complaint = 'must include an X-Qlik-User header (QRS identifies the caller by it)';
    problems.push(problemAt(headersPath, sources, complaint));
  }
  return problems;
}

/** Client certificates are part of the TLS handshake: without HTTPS there is none. */
function clientCaProblems(document: unknown, sources: ValueSources): ConfigProblem[] {
  const tlsPath = ['Butler', 'restServerConfig', 'tls'];
  const tls = valueAt(document, tlsPath);
  if (!isMapping(tls) || tls.enable === true || typeof tls.clientCa !== 'string') return [];
  return [problemAt([...tlsPath, 'clientCa'], sources, 'needs tls.enable: true (client certificates are checked by HTTPS)')];
}

/**
 * Auth on with no key would lock every caller out; two entries with one name or one key
 * would make log lines and scopes ambiguous. Keys are compared by digest and never shown.
 */
function apiKeyProblems(document: unknown, sources: ValueSources): ConfigProblem[] {
  const authPath = ['Butler', 'restServerConfig', 'auth'];
  const auth = valueAt(document, authPath);
  if (!isMapping(auth) || !Array.isArray(auth.apiKeys)) return [];
  const keysPath = [...authPath, 'apiKeys'];
  const problems: ConfigProblem[] = [];
  if (auth.enable === true && auth.apiKeys.length === 0) {
    problems.push(problemAt(keysPath, sources, 'must list at least one key when auth.enable is true', [...authPath, 'enable']));
  }
  const firstByName = new Map<string, number>();
  const firstByDigest = new Map<string, number>();
  auth.apiKeys.forEach((entry: unknown, index) => {
    if (!isMapping(entry)) return;
    if (typeof entry.name === 'string') {
      const first = firstByName.get(entry.name);
      if (first === undefined) firstByName.set(entry.name, index);
      else problems.push(problemAt([...keysPath, index, 'name'], sources, `repeats the name of apiKeys[${first}]`));
    }
    if (typeof entry.key === 'string') {
      const digest = apiKeyDigest(entry.key);
      const first = firstByDigest.get(digest);
      if (first === undefined) firstByDigest.set(digest, index);
      else problems.push(problemAt([...keysPath, index, 'key'], sources, `is the same key as apiKeys[${first}]`));
    }
  });
  return problems;
}

/** Each trusted proxy must be an address or range the peer address can be compared with. */
function trustProxyProblems(document: unknown, sources: ValueSources): ConfigProblem[] {
  const listPath = ['Butler', 'restServerConfig', 'trustProxy'];
  const entries = valueAt(document, listPath);
  if (!Array.isArray(entries)) return [];
  return entries.flatMap((entry: unknown, index) => {
    const problem = typeof entry === 'string' ? proxyAddressProblem(entry) : undefined;
    return problem === undefined ? [] : [problemAt([...listPath, index], sources, `${problem}, got ${describeValue(entry)}`)];
  });
}

function isQlikUserHeader(header: unknown): boolean {
  return isMapping(header) && typeof header.name === 'string' && header.name.toLowerCase() === 'x-qlik-user';
}

/** JSON pointer (`/Butler/configQRS/port`) to key path; digits are list indexes. */
function parsePointer(pointer: string): KeyPath {
  if (pointer === '') return [];
  return pointer
    .slice(1)
    .split('/')
    .map((segment) => segment.replace(/~1/g, '/').replace(/~0/g, '~'))
    .map((segment) => (/^\d+$/.test(segment) ? Number(segment) : segment));
}

/** One problem per bad value: drop duplicates and anything inside an already reported key. */
function outermostOnly(paths: KeyPath[]): KeyPath[] {
  const kept: KeyPath[] = [];
  for (const path of [...paths].sort((a, b) => a.length - b.length)) {
    if (!kept.some((outer) => outer.every((segment, index) => path[index] === segment))) kept.push(path);
  }
  return kept.sort((a, b) => formatKeyPath(a).localeCompare(formatKeyPath(b)));
}

function annotationsAt(path: KeyPath): LeafAnnotations {
  let schema: unknown = ButlerFileSchema;
  for (const segment of path) {
    if (!isMapping(schema)) break;
    if (typeof segment === 'number') schema = schema.items;
    else if (isMapping(schema.properties)) schema = schema.properties[segment];
    // A mapping with keys of the user's choosing (a Type.Record) has one schema for every value.
    else schema = isMapping(schema.patternProperties) ? Object.values(schema.patternProperties)[0] : undefined;
  }
  const annotated = isMapping(schema) ? schema : {};
  return {
    expected: typeof annotated.expected === 'string' ? annotated.expected : 'a valid value',
    sensitive: annotated.sensitive === true,
  };
}
