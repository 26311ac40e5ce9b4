import assert from 'node:assert/strict';
import { test } from 'node:test';
import { grants, isListedRoute, requirementFor, SCOPED_ROUTES } from '../../../src/http/auth/index.js';
import type { Settings } from '../../../src/config/settings.js';
import { buildTestApp, type DeepPartial } from '../../helpers/app.js';

const ALL_OPEN = ['health', 'ready', 'butlerping', 'documentation'] as const;

test('every route of the OpenAPI document is in the scope table, and every table entry is a real route', async (t) => {
  const app = await buildTestApp();
  t.after(() => app.close());
  const doc = (await app.inject({ method: 'GET', url: '/documentation/json' })).json() as { paths: Record<string, Record<string, unknown>> };
  const documented = Object.entries(doc.paths).flatMap(([path, methods]) =>
    Object.keys(methods).map((method) => [method.toUpperCase(), path.replace(/\{(\w+)\}/g, ':$1')] as const),
  );
  assert.ok(documented.length >= 12, `only ${documented.length} routes documented`);
  assert.deepEqual(documented.filter(([method, url]) => !isListedRoute(method, url)), []);
  for (const route of SCOPED_ROUTES) {
    for (const method of route.methods) assert.ok(app.hasRoute({ method, url: route.url }), `${method} ${route.url}`);
  }
});

test('requirements: scoped routes, open and openable endpoints, unknown routes, unlisted routes', () => {
  assert.deepEqual(requirementFor('PUT', '/v4/reloadtask/:taskId/start', ALL_OPEN), { kind: 'scope', scope: 'startTask' });
  assert.deepEqual(requirementFor('POST', '/v4/reloadtask/:taskId/start', ALL_OPEN), { kind: 'scope', scope: 'startTask' });
  assert.deepEqual(requirementFor('GET', '/v4/reloadtask/execution/:executionId', ALL_OPEN), { kind: 'scope', scope: 'executionRead' });
  assert.deepEqual(requirementFor('GET', '/v4/keyvalues/:namespace', ALL_OPEN), { kind: 'scope', scope: 'kvRead' });
  assert.deepEqual(requirementFor('HEAD', '/v4/keyvalues/:namespace', ALL_OPEN), { kind: 'scope', scope: 'kvRead' });
  assert.deepEqual(requirementFor('POST', '/v4/keyvalues/:namespace', ALL_OPEN), { kind: 'scope', scope: 'kvWrite' });
  assert.deepEqual(requirementFor('DELETE', '/v4/keyvalues/:namespace/:key', ALL_OPEN), { kind: 'scope', scope: 'kvWrite' });
  assert.deepEqual(requirementFor('GET', '/v4/configfile/endpointsenabled', ALL_OPEN), { kind: 'scope', scope: 'admin' });
  for (const url of ['/health', '/ready', '/v4/butlerping', '/documentation', '/documentation/', '/documentation/static/*']) {
    assert.deepEqual(requirementFor('GET', url, ALL_OPEN), { kind: 'open' }, url);
    assert.deepEqual(requirementFor('GET', url, []), { kind: 'anyKey' }, url);
  }
  assert.deepEqual(requirementFor('GET', '/health', ['ready']), { kind: 'anyKey' });
  assert.deepEqual(requirementFor('GET', undefined, ALL_OPEN), { kind: 'anyKey' }, 'no route matched');
  assert.deepEqual(requirementFor('POST', '/health', ALL_OPEN), { kind: 'scope', scope: 'admin' }, 'not the open GET');
  assert.deepEqual(requirementFor('GET', '/v4/something/new', ALL_OPEN), { kind: 'scope', scope: 'admin' }, 'unlisted: admin only');
  assert.deepEqual(requirementFor('GET', '/documentationx', ALL_OPEN), { kind: 'scope', scope: 'admin' });
  // Qlik Cloud cannot send an API key: its webhook authenticates by the Qlik-Signature it checks itself.
  assert.deepEqual(requirementFor('POST', '/v4/qlikcloud/webhook', []), { kind: 'open' });
  assert.deepEqual(requirementFor('GET', '/v4/qlikcloud/webhook', ALL_OPEN), { kind: 'scope', scope: 'admin' }, 'only the signed POST');
});

test('with Qlik Cloud and its webhook on, the webhook route is documented and in the table too', async (t) => {
  const app = await buildTestApp({
    settings: {
      qlikCloud: {
        enable: true,
        tenantUrl: 'http://127.0.0.1:9',
        credentials: { kind: 'apiKey', apiKey: 'unused' },
        timeoutMs: 1000,
        maxRequestsPerMinute: 600,
        taskMap: new Map(),
        webhook: { enable: true, secret: 'qlik-webhook-secret-27c41d9e-0b5f93a6c4e1' },
      },
    } as DeepPartial<Settings>,
  });
  t.after(() => app.close());
  const doc = (await app.inject({ method: 'GET', url: '/documentation/json' })).json() as { paths: Record<string, unknown> };
  assert.ok('/v4/qlikcloud/webhook' in doc.paths);
  assert.ok(isListedRoute('POST', '/v4/qlikcloud/webhook'));
});

test('admin grants every scope; others only their own', () => {
  assert.equal(grants(['admin'], 'startTask'), true);
  assert.equal(grants(['kvRead', 'kvWrite'], 'kvWrite'), true);
  assert.equal(grants(['kvWrite'], 'kvRead'), false, 'writing does not imply reading');
  assert.equal(grants([], 'kvRead'), false);
  assert.equal(grants(['startTask'], 'executionRead'), true, 'a caller that starts reloads may follow them');
  assert.equal(grants(['executionRead'], 'executionRead'), true);
  assert.equal(grants(['executionRead'], 'startTask'), false, 'reading statuses does not allow starting');
  assert.equal(grants(['kvRead', 'kvWrite'], 'executionRead'), false);
});
