import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { promisify } from 'node:util';
import { buildCollection, PostmanGenerationError, type PostmanCollection } from '../../scripts/postman/collection.js';
import { COLLECTION_FILE, ENVIRONMENT_FILE, generatePostmanFiles } from '../../scripts/postman/files.js';
import type { OpenApiDocument } from '../../scripts/postman/openapi-types.js';
import { freePort, PROJECT_ROOT, spawnTs } from '../helpers/process.js';

const run = promisify(execFile);

test('the committed Postman collection and environment match the OpenAPI document', async () => {
  const generated = await generatePostmanFiles();
  const hint = 'is out of date with the OpenAPI document: run `npm run docs:postman` and commit the result';
  assert.equal(await readFile(join(PROJECT_ROOT, COLLECTION_FILE), 'utf8'), generated.collection, `${COLLECTION_FILE} ${hint}`);
  assert.equal(await readFile(join(PROJECT_ROOT, ENVIRONMENT_FILE), 'utf8'), generated.environment, `${ENVIRONMENT_FILE} ${hint}`);
  assert.equal((await generatePostmanFiles()).collection, generated.collection, 'generation is deterministic');
});

function documentWith(paths: OpenApiDocument['paths']): OpenApiDocument {
  return { info: { title: 'test' }, paths };
}

test('a route with required input and no example stops generation, naming the route', () => {
  const document = documentWith({
    '/metrics': { get: { responses: { '200': {} } } },
    '/v4/things/{thingId}': {
      get: { parameters: [{ in: 'path', name: 'thingId', required: true }], responses: { '200': {} } },
    },
    '/v4/things': { post: { responses: { '201': {} } } },
  });
  assert.throws(
    () => buildCollection(document, []),
    (err: unknown) =>
      err instanceof PostmanGenerationError &&
      err.code === 'ERR_POSTMAN_NO_EXAMPLE' &&
      err.message.includes('GET /v4/things/{thingId} has no example in scripts/postman/examples.ts (it has a required path parameter "thingId")') &&
      err.message.includes('POST /v4/things has no example') &&
      !err.message.includes('/metrics'),
  );
});

test('a GET without required input needs no example: it is sent first and expects its first 2xx', () => {
  const document = documentWith({
    '/v4/things': {
      post: { tags: ['Things'], requestBody: { required: true }, responses: { '201': {} } },
    },
    '/metrics': {
      get: {
        tags: ['Operations'],
        summary: 'Prometheus metrics',
        parameters: [{ in: 'query', name: 'format', schema: { type: 'string', default: 'text' } }],
        responses: { '200': { content: { 'text/plain': {} } }, '503': {} },
      },
    },
  });
  const collection = buildCollection(document, [
    { route: 'POST /v4/things', name: 'Make a thing', body: { a: 1 }, status: 201 },
  ]);
  assert.deepEqual(
    collection.item.map((folder) => [folder.name, folder.item.map((item) => `${item.request.method} ${item.name}`)]),
    [
      ['Operations', ['GET Prometheus metrics']],
      ['Things', ['POST Make a thing']],
    ],
  );
  const metrics = collection.item[0]!.item[0]!;
  assert.deepEqual(metrics.request.url.query, [{ key: 'format', value: 'text', disabled: true }]);
  assert.equal(metrics.request.url.raw, '{{baseUrl}}/metrics');
  assert.ok(metrics.event[0]!.script.exec.includes('  pm.response.to.have.status(200);'));
});

test('an example expecting a status the route does not document stops generation', () => {
  const document = documentWith({ '/v4/things': { post: { responses: { '201': {}, '400': {} } } } });
  assert.throws(
    () => buildCollection(document, [{ route: 'POST /v4/things', name: 'Make a thing', status: 200 }]),
    /POST \/v4\/things: the example expects 200, but the OpenAPI document lists only 201, 400/,
  );
});

test('every request of the committed collection tests its status code', async () => {
  const collection = JSON.parse(await readFile(join(PROJECT_ROOT, COLLECTION_FILE), 'utf8')) as PostmanCollection;
  const requests = collection.item.flatMap((folder) => folder.item);
  assert.ok(requests.length >= 12, `only ${requests.length} requests`);
  for (const request of requests) {
    const script = request.event.find((event) => event.listen === 'test')?.script.exec.join('\n') ?? '';
    assert.match(script, /pm\.response\.to\.have\.status\(\d{3}\)/, request.name);
  }
  const ids = [collection.info._postman_id, ...collection.item.map((folder) => folder.id), ...requests.map((r) => r.id)];
  assert.equal(new Set(ids).size, ids.length, 'ids are unique');
});

// Own timeout: starting the demo (certificates, simulator, service) and a newman run under a
// loaded 2-core CI machine can take longer than the 60 s default.
test('newman runs the committed collection against `npm run demo` without a failure', { timeout: 240_000 }, async (t) => {
  const work = await mkdtemp(join(tmpdir(), 'stg-postman-'));
  t.after(() => rm(work, { recursive: true, force: true }));
  const port = await freePort();
  const demo = spawnTs('src/demo/main.ts', [], {
    STG_SERVER_PORT: String(port),
    STG_KV_SQLITE_PATH: join(work, 'keyvalues.sqlite'),
  });
  t.after(() => demo.stop());
  const [, baseUrl] = (await demo.waitFor(/sense-task-gateway on (http:\/\/127\.0\.0\.1:\d+)/, 60000)) as string[];
  await demo.waitFor(/Press Ctrl\+C to stop/, 10000);

  const report = join(work, 'newman.json');
  const newman = join(PROJECT_ROOT, 'node_modules', 'newman', 'bin', 'newman.js');
  const args = [newman, 'run', COLLECTION_FILE, '-e', ENVIRONMENT_FILE, '--env-var', `baseUrl=${baseUrl}`];
  const outcome = await run(process.execPath, [...args, '--reporters', 'cli,json', '--reporter-json-export', report, '--timeout', '120000'], {
    cwd: PROJECT_ROOT,
    timeout: 180000,
  }).then(
    () => ({ ok: true, output: '' }),
    (err: { stdout?: string; stderr?: string; message: string }) => ({ ok: false, output: `${err.message}\n${err.stdout ?? ''}${err.stderr ?? ''}` }),
  );
  assert.ok(outcome.ok, `newman failed:\n${outcome.output}`);

  const collection = JSON.parse(await readFile(join(PROJECT_ROOT, COLLECTION_FILE), 'utf8')) as PostmanCollection;
  const requestCount = collection.item.reduce((sum, folder) => sum + folder.item.length, 0);
  const { run: summary } = JSON.parse(await readFile(report, 'utf8')) as {
    run: { stats: { requests: { total: number; failed: number }; assertions: { total: number; failed: number } }; failures: unknown[] };
  };
  assert.equal(summary.stats.requests.total, requestCount);
  assert.equal(summary.stats.requests.failed, 0);
  assert.equal(summary.failures.length, 0);
  assert.equal(summary.stats.assertions.failed, 0);
  assert.ok(summary.stats.assertions.total >= 2 * requestCount, `${summary.stats.assertions.total} assertions`);
});
