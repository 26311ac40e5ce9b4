import { createHash } from 'node:crypto';
import type { RouteExample } from './examples.js';
import {
  HTTP_METHODS,
  type OpenApiDocument,
  type OpenApiOperation,
  type OpenApiParameter,
  type OpenApiSchema,
} from './openapi-types.js';

/** Why the collection cannot be generated; `code` is stable, the message names the route. */
export class PostmanGenerationError extends Error {
  readonly code: 'ERR_POSTMAN_NO_EXAMPLE' | 'ERR_POSTMAN_BAD_EXAMPLE';

  constructor(code: PostmanGenerationError['code'], message: string) {
    super(message);
    this.name = 'PostmanGenerationError';
    this.code = code;
  }
}

const SCHEMA_V21 = 'https://schema.getpostman.com/json/collection/v2.1.0/collection.json';
const EXAMPLES_FILE = 'scripts/postman/examples.ts';
export const DEMO_BASE_URL = 'http://127.0.0.1:8080';

interface Script {
  listen: 'prerequest' | 'test';
  script: { type: 'text/javascript'; exec: string[] };
}

interface PostmanRequestItem {
  id: string;
  name: string;
  request: {
    method: string;
    header: { key: string; value: string; description?: string; disabled?: boolean }[];
    body?: { mode: 'raw'; raw: string; options: { raw: { language: 'json' } } };
    url: {
      raw: string;
      host: string[];
      path: string[];
      query?: { key: string; value: string; description?: string; disabled?: boolean }[];
      variable?: { key: string; value: string; description?: string }[];
    };
    description?: string;
  };
  event: Script[];
}

interface PostmanFolder {
  id: string;
  name: string;
  description?: string;
  item: PostmanRequestItem[];
}

export interface PostmanCollection {
  info: { _postman_id: string; name: string; description?: string; schema: string };
  item: PostmanFolder[];
  event: Script[];
  variable: { key: string; value: string; type: 'string' }[];
}

export interface PostmanEnvironment {
  id: string;
  name: string;
  values: { key: string; value: string; type: 'default' | 'secret'; enabled: boolean }[];
  _postman_variable_scope: 'environment';
}

/** A UUID-shaped id derived from `seed`, so regenerating gives the same file. */
function stableId(seed: string): string {
  const hex = createHash('sha1').update(seed).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-5${hex.slice(13, 16)}-a${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

interface Operation {
  route: string;
  method: string;
  path: string;
  operation: OpenApiOperation;
}

function operationsOf(document: OpenApiDocument): Operation[] {
  return Object.entries(document.paths).flatMap(([path, byMethod]) =>
    HTTP_METHODS.filter((method) => byMethod[method]).map((method) => ({
      route: `${method.toUpperCase()} ${path}`,
      method: method.toUpperCase(),
      path,
      operation: byMethod[method]!,
    })),
  );
}

function requiredInputs(operation: OpenApiOperation): string[] {
  const parameters = (operation.parameters ?? []).filter((parameter) => parameter.required);
  return [
    ...parameters.map((parameter) => `${parameter.in} parameter "${parameter.name}"`),
    ...(operation.requestBody?.required ? ['request body'] : []),
  ];
}

/** Every entry to send, in run order: bare GETs first (document order), then the table's. */
function plannedRequests(operations: Operation[], examples: readonly RouteExample[]): { op: Operation; example: RouteExample }[] {
  const byRoute = new Map(operations.map((op) => [op.route, op]));
  const withExample = new Set(examples.map((example) => example.route));
  const missing: string[] = [];
  const bare: { op: Operation; example: RouteExample }[] = [];
  for (const op of operations) {
    if (withExample.has(op.route)) continue;
    const inputs = requiredInputs(op.operation);
    if (op.method === 'GET' && inputs.length === 0) {
      bare.push({ op, example: { route: op.route, name: op.operation.summary ?? op.route, status: firstSuccess(op) } });
    } else {
      const why = op.method === 'GET' ? `it has a required ${inputs.join(', ')}` : 'only a GET without required inputs can be sent without one';
      missing.push(`${op.route} has no example in ${EXAMPLES_FILE} (${why})`);
    }
  }
  if (missing.length > 0) throw new PostmanGenerationError('ERR_POSTMAN_NO_EXAMPLE', missing.join('\n'));
  const tabled = examples.flatMap((example) => {
    const op = byRoute.get(example.route);
    return op ? [{ op, example }] : [];
  });
  return [...bare, ...tabled];
}

function firstSuccess(op: Operation): number {
  const success = Object.keys(op.operation.responses ?? {})
    .filter((code) => /^2\d\d$/.test(code))
    .sort();
  if (!success[0]) {
    throw new PostmanGenerationError('ERR_POSTMAN_NO_EXAMPLE', `${op.route} documents no 2xx answer: add an example to ${EXAMPLES_FILE}`);
  }
  return Number(success[0]);
}

function documentedResponse(op: Operation, status: number) {
  const responses = op.operation.responses ?? {};
  const response = responses[String(status)] ?? responses[`${String(status)[0]}XX`] ?? responses.default;
  if (!response) {
    throw new PostmanGenerationError(
      'ERR_POSTMAN_BAD_EXAMPLE',
      `${op.route}: the example expects ${status}, but the OpenAPI document lists only ${Object.keys(responses).join(', ')}`,
    );
  }
  return response;
}

function exampleValue(parameter: OpenApiParameter): string {
  const schema: OpenApiSchema = parameter.schema ?? {};
  const value = parameter.example ?? schema.example ?? schema.examples?.[0] ?? schema.default ?? schema.enum?.[0] ?? '';
  return String(value);
}

function shapeChecks(schema: OpenApiSchema | undefined): string[] {
  if (schema?.type === 'array') return ["pm.expect(body).to.be.an('array');"];
  if (schema?.type !== 'object') return [];
  const keys = (schema.required ?? []).map((key) => JSON.stringify(key));
  return [
    "pm.expect(body).to.be.an('object');",
    ...(keys.length > 0 ? [`pm.expect(body).to.include.all.keys(${keys.join(', ')});`] : []),
  ];
}

function testScript(op: Operation, example: RouteExample): string[] {
  const response = documentedResponse(op, example.status);
  const json = response.content?.['application/json'];
  const lines = [
    `pm.test('status is ${example.status}', function () {`,
    `  pm.response.to.have.status(${example.status});`,
    '});',
  ];
  const block = (title: string, body: string[]) =>
    lines.push(`pm.test('${title}', function () {`, ...body.map((line) => `  ${line}`), '});');
  if (example.status === 204) block('body is empty', ["pm.expect(pm.response.text()).to.equal('');"]);
  const shape = shapeChecks(json?.schema);
  if (json && shape.length > 0) block('body has the documented shape', ['const body = pm.response.json();', ...shape]);
  if (example.checks?.length) block('answer is the one the demo gives', ['const body = pm.response.json();', ...example.checks]);
  for (const [variable, expression] of Object.entries(example.capture ?? {})) {
    block(`remembers ${variable} for later requests`, [
      'const body = pm.response.json();',
      `pm.collectionVariables.set('${variable}', ${expression});`,
    ]);
  }
  return lines;
}

function requestItem(op: Operation, example: RouteExample): PostmanRequestItem {
  const parameters = op.operation.parameters ?? [];
  const pathValues = example.path ?? {};
  for (const parameter of parameters.filter((p) => p.in === 'path')) {
    if (pathValues[parameter.name] === undefined) {
      throw new PostmanGenerationError('ERR_POSTMAN_BAD_EXAMPLE', `${op.route} "${example.name}": no value for path parameter "${parameter.name}"`);
    }
  }
  const query = parameters
    .filter((p) => p.in === 'query')
    .map((p) => {
      const value = example.query?.[p.name];
      return {
        key: p.name,
        value: value ?? exampleValue(p),
        ...(p.description ? { description: p.description } : {}),
        ...(value === undefined ? { disabled: true } : {}),
      };
    });
  const headers = [
    ...(example.body !== undefined ? [{ key: 'Content-Type', value: 'application/json' }] : []),
    ...Object.entries(example.headers ?? {}).map(([key, value]) => ({ key, value })),
    ...parameters
      .filter((p) => p.in === 'header' && example.headers?.[p.name] === undefined)
      .map((p) => ({ key: p.name, value: exampleValue(p), ...(p.description ? { description: p.description } : {}), disabled: true })),
  ];
  const pathSegments = op.path.split('/').filter(Boolean).map((segment) => segment.replace(/^\{(.+)\}$/, ':$1'));
  const enabledQuery = query.filter((entry) => !entry.disabled);
  const queryString = enabledQuery.length > 0 ? `?${enabledQuery.map((entry) => `${entry.key}=${entry.value}`).join('&')}` : '';
  const description = [op.operation.summary, op.operation.description].filter(Boolean).join('\n\n');
  return {
    id: stableId(`${op.route} ${example.name}`),
    name: example.name,
    request: {
      method: op.method,
      header: headers,
      ...(example.body !== undefined
        ? { body: { mode: 'raw' as const, raw: JSON.stringify(example.body, null, 2), options: { raw: { language: 'json' as const } } } }
        : {}),
      url: {
        raw: `{{baseUrl}}/${pathSegments.join('/')}${queryString}`,
        host: ['{{baseUrl}}'],
        path: pathSegments,
        ...(query.length > 0 ? { query } : {}),
        ...(Object.keys(pathValues).length > 0
          ? {
              variable: parameters
                .filter((p) => p.in === 'path')
                .map((p) => ({ key: p.name, value: pathValues[p.name]!, ...(p.description ? { description: p.description } : {}) })),
            }
          : {}),
      },
      ...(description ? { description } : {}),
    },
    event: [{ listen: 'test', script: { type: 'text/javascript', exec: testScript(op, example) } }],
  };
}

/** Sends X-API-Key only when the environment has an apiKey (the demo runs without auth). */
const API_KEY_PREREQUEST = [
  "const apiKey = pm.variables.get('apiKey');",
  "if (apiKey) pm.request.headers.upsert({ key: 'X-API-Key', value: apiKey });",
];

/**
 * The Postman collection (v2.1) for an OpenAPI document: one folder per tag, one request per
 * example, each with tests on its status and body. Pure and deterministic.
 */
export function buildCollection(document: OpenApiDocument, examples: readonly RouteExample[]): PostmanCollection {
  const planned = plannedRequests(operationsOf(document), examples);
  const folders = new Map<string, PostmanFolder>();
  for (const { op, example } of planned) {
    const tag = op.operation.tags?.[0] ?? 'Other';
    let folder = folders.get(tag);
    if (!folder) {
      const description = document.tags?.find((candidate) => candidate.name === tag)?.description;
      folder = { id: stableId(`folder ${tag}`), name: tag, ...(description ? { description } : {}), item: [] };
      folders.set(tag, folder);
    }
    folder.item.push(requestItem(op, example));
  }
  return {
    info: {
      _postman_id: stableId(document.info.title),
      name: document.info.title,
      ...(document.info.description ? { description: document.info.description } : {}),
      schema: SCHEMA_V21,
    },
    item: [...folders.values()],
    event: [{ listen: 'prerequest', script: { type: 'text/javascript', exec: API_KEY_PREREQUEST } }],
    variable: [{ key: 'baseUrl', value: DEMO_BASE_URL, type: 'string' }],
  };
}

/** The environment for `npm run demo`; set apiKey when the service has auth on. */
export function buildDemoEnvironment(title: string): PostmanEnvironment {
  return {
    id: stableId(`${title} demo environment`),
    name: `${title} (npm run demo)`,
    values: [
      { key: 'baseUrl', value: DEMO_BASE_URL, type: 'default', enabled: true },
      { key: 'apiKey', value: '', type: 'secret', enabled: true },
    ],
    _postman_variable_scope: 'environment',
  };
}

/** How the files are written: stable key order from construction, two-space indent, final newline. */
export function serialize(value: PostmanCollection | PostmanEnvironment): string {
  return `${JSON.stringify(value, null, 2)}\n`;
}
