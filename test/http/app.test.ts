import assert from 'node:assert/strict';
import { test } from 'node:test';
import { buildTestApp, listen } from '../helpers/app.js';
import { createCapturingLogger } from '../helpers/logger.js';

test('GET /v4/butlerping answers like Butler', async (t) => {
  const app = await buildTestApp();
  t.after(() => app.close());
  const res = await app.inject({ method: 'GET', url: '/v4/butlerping' });
  assert.equal(res.statusCode, 200);
  assert.match(res.headers['content-type'] as string, /^application\/json/);
  assert.deepEqual(res.json(), { response: 'Butler reporting for duty', butlerVersion: '0.0.0-test' });
});

test('GET /v4/configfile/endpointsenabled lists the enabled endpoint flags, sorted', async (t) => {
  const app = await buildTestApp({ settings: { endpoints: { keyValueStore: false } } });
  t.after(() => app.close());
  const res = await app.inject({ method: 'GET', url: '/v4/configfile/endpointsenabled' });
  assert.equal(res.statusCode, 200);
  assert.deepEqual(res.json(), ['apiListEnabledEndpoints', 'butlerping', 'metrics', 'senseStartTask']);
});

test('a disabled endpoint does not exist: 404 in the JSON error shape', async (t) => {
  const app = await buildTestApp({
    settings: {
      endpoints: { butlerping: false, apiListEnabledEndpoints: false, keyValueStore: false, senseStartTask: false, metrics: false },
    },
  });
  t.after(() => app.close());
  for (const [method, url] of [
    ['GET', '/v4/butlerping'],
    ['GET', '/v4/configfile/endpointsenabled'],
    ['GET', '/v4/keyvaluesnamespaces'],
    ['PUT', '/v4/reloadtask/-/start'],
    ['GET', '/metrics'],
  ] as const) {
    const res = await app.inject({ method, url });
    assert.equal(res.statusCode, 404, `${method} ${url}`);
    assert.deepEqual(res.json(), { statusCode: 404, error: 'Not Found', message: `Route ${method} ${url} not found` });
  }
});

test('health answers whatever the endpoint flags say', async (t) => {
  const app = await buildTestApp({
    settings: {
      endpoints: { butlerping: false, apiListEnabledEndpoints: false, keyValueStore: false, senseStartTask: false, metrics: false },
    },
  });
  t.after(() => app.close());
  const res = await app.inject({ method: 'GET', url: '/health' });
  assert.equal(res.statusCode, 200);
  assert.deepEqual(res.json(), { status: 'ok' });
});

test('X-HTTP-Method-Override on a real socket: PUT, DELETE and PATCH are honoured, others refused', async (t) => {
  const app = await buildTestApp();
  const seen: string[] = [];
  for (const method of ['PUT', 'DELETE', 'PATCH', 'POST'] as const) {
    app.route({ method, url: '/echo', handler: async (req) => (seen.push(req.method), { method: req.method, body: req.body ?? null }) });
  }
  const base = await listen(app);
  t.after(() => app.close());

  for (const override of ['PUT', 'delete', 'Patch']) {
    const res = await fetch(`${base}/echo`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-http-method-override': override },
      body: '{"a":1}',
    });
    assert.equal(res.status, 200);
    assert.deepEqual(await res.json(), { method: override.toUpperCase(), body: { a: 1 } });
  }
  const plain = await fetch(`${base}/echo`, { method: 'POST' });
  assert.deepEqual(await plain.json(), { method: 'POST', body: null });

  for (const override of ['TRACE', 'GET', 'CONNECT']) {
    const res = await fetch(`${base}/echo`, { method: 'POST', headers: { 'x-http-method-override': override } });
    assert.equal(res.status, 400, override);
    const body = (await res.json()) as { message: string; statusCode: number; error: string };
    assert.equal(body.error, 'Bad Request');
    assert.match(body.message, new RegExp(`"${override}" is not allowed`));
  }
  assert.deepEqual(seen, ['PUT', 'DELETE', 'PATCH', 'POST']);
});

test('an empty JSON body is "no body", malformed JSON is a 400 that says so', async (t) => {
  const app = await buildTestApp();
  app.put('/echo', async (req) => ({ body: req.body ?? null }));
  t.after(() => app.close());
  const empty = await app.inject({ method: 'PUT', url: '/echo', headers: { 'content-type': 'application/json' }, payload: '' });
  assert.equal(empty.statusCode, 200);
  assert.deepEqual(empty.json(), { body: null });

  const bad = await app.inject({ method: 'PUT', url: '/echo', headers: { 'content-type': 'application/json' }, payload: '[{"type":' });
  assert.equal(bad.statusCode, 400);
  const body = bad.json();
  assert.equal(body.statusCode, 400);
  assert.equal(body.error, 'Bad Request');
  assert.match(body.message, /JSON/);
});

test('an unexpected error is a generic 500 in the JSON shape, with the details only in the log', async (t) => {
  const { logger, lines } = createCapturingLogger();
  const app = await buildTestApp({ logger });
  app.get('/boom', async () => {
    throw new Error('secret internals');
  });
  t.after(() => app.close());
  const res = await app.inject({ method: 'GET', url: '/boom' });
  assert.equal(res.statusCode, 500);
  assert.deepEqual(res.json(), {
    statusCode: 500,
    error: 'Internal Server Error',
    message: 'Internal server error; the service log has the details',
  });
  assert.ok(lines().some((line) => line.includes('secret internals')));
});

test('one log line per request with method, path, status, duration and client IP', async (t) => {
  const { logger, lines } = createCapturingLogger('info');
  const app = await buildTestApp({ logger });
  const base = await listen(app);
  t.after(() => app.close());
  await (await fetch(`${base}/v4/butlerping?x=1`)).text();
  const requestLines = lines().filter((line) => line.includes('/v4/butlerping'));
  assert.equal(requestLines.length, 1, requestLines.join('\n'));
  assert.match(requestLines[0]!, /GET \/v4\/butlerping 200 \d+\.\dms 127\.0\.0\.1/);
});

test('OpenAPI document is served as JSON and YAML, with Swagger UI', async (t) => {
  const app = await buildTestApp();
  t.after(() => app.close());
  const json = await app.inject({ method: 'GET', url: '/documentation/json' });
  assert.equal(json.statusCode, 200);
  const doc = json.json();
  assert.equal(doc.openapi, '3.0.3');
  assert.ok(doc.paths['/v4/butlerping']);
  const yaml = await app.inject({ method: 'GET', url: '/documentation/yaml' });
  assert.equal(yaml.statusCode, 200);
  assert.match(yaml.body, /openapi: 3\.0\.3/);
  const ui = await app.inject({ method: 'GET', url: '/documentation/' });
  assert.equal(ui.statusCode, 200);
  assert.match(ui.headers['content-type'] as string, /text\/html/);
});

test('OpenAPI: the optional start body is not marked required (PUT and POST)', async (t) => {
  const app = await buildTestApp();
  t.after(() => app.close());
  const doc = (await app.inject({ method: 'GET', url: '/documentation/json' })).json();
  const start = doc.paths['/v4/reloadtask/{taskId}/start'];
  for (const method of ['put', 'post']) {
    assert.ok(start[method].requestBody, `${method} documents its body`);
    assert.equal(start[method].requestBody.required, false, method);
  }
  assert.equal(doc.paths['/v4/keyvalues/{namespace}'].post.requestBody.required, true, 'other bodies stay required');
});
