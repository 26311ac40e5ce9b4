/**
 * Security headers (helmet) on answers and errors, a Swagger UI that still loads under its
 * content security policy, no CORS, and an OpenAPI document that declares the key schemes.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { AUTH_ON } from '../helpers/api-keys.js';
import { buildTestApp } from '../helpers/app.js';
import { testCertBundle } from '../helpers/simulator.js';

const COMMON = {
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'SAMEORIGIN',
  'referrer-policy': 'no-referrer',
  'cross-origin-opener-policy': 'same-origin',
};

function directives(csp: unknown): Map<string, string> {
  assert.equal(typeof csp, 'string', 'a content-security-policy header');
  return new Map(
    (csp as string).split(';').map((directive) => {
      const [name = '', ...values] = directive.trim().split(/\s+/);
      return [name, values.join(' ')];
    }),
  );
}

test('answers, refusals and 404s carry the security headers; over HTTP no HSTS and no upgrade', async (t) => {
  const app = await buildTestApp({ settings: { server: { auth: AUTH_ON } } });
  t.after(() => app.close());
  for (const [url, status] of [
    ['/v4/butlerping', 200],
    ['/v4/keyvaluesnamespaces', 401],
    ['/nowhere', 401],
  ] as const) {
    const res = await app.inject({ method: 'GET', url });
    assert.equal(res.statusCode, status, url);
    for (const [name, value] of Object.entries(COMMON)) assert.equal(res.headers[name], value, `${url} ${name}`);
    const csp = directives(res.headers['content-security-policy']);
    assert.equal(csp.get('default-src'), "'self'");
    assert.equal(csp.get('script-src'), "'self'");
    assert.equal(csp.get('object-src'), "'none'");
    assert.equal(csp.has('upgrade-insecure-requests'), false, 'would break the UI over plain HTTP');
    assert.equal(res.headers['strict-transport-security'], undefined);
  }
});

test('over HTTPS: HSTS, and the policy upgrades insecure loads', async (t) => {
  const certs = await testCertBundle();
  const app = await buildTestApp({ https: { cert: certs.serverCert, key: certs.serverKey } });
  t.after(() => app.close());
  const res = await app.inject({ method: 'GET', url: '/health' });
  assert.equal(res.headers['strict-transport-security'], 'max-age=15552000');
  assert.equal(directives(res.headers['content-security-policy']).has('upgrade-insecure-requests'), true);
});

test('the Swagger UI loads under the policy: no inline script, every asset it names is served', async (t) => {
  const app = await buildTestApp();
  t.after(() => app.close());
  const page = await app.inject({ method: 'GET', url: '/documentation/' });
  assert.equal(page.statusCode, 200);
  assert.match(page.headers['content-type'] as string, /^text\/html/);
  assert.ok(page.headers['content-security-policy']);
  assert.doesNotMatch(page.body, /<script(?![^>]*\bsrc=)[^>]*>/, 'an inline script would be blocked by script-src self');
  const assets = [...page.body.matchAll(/(?:src|href)="\.\/(static\/[^"]+)"/g)].map((match) => match[1]!);
  assert.ok(assets.includes('static/swagger-ui-bundle.js') && assets.includes('static/swagger-initializer.js'), assets.join());
  for (const asset of assets) {
    const res = await app.inject({ method: 'GET', url: `/documentation/${asset}` });
    assert.equal(res.statusCode, 200, asset);
    assert.ok(res.headers['content-security-policy'], asset);
    assert.equal(res.headers['x-content-type-options'], 'nosniff', asset);
  }
  const initializer = await app.inject({ method: 'GET', url: '/documentation/static/swagger-initializer.js' });
  assert.match(initializer.body, /"validatorUrl":null/, 'no call to validator.swagger.io');
  assert.doesNotMatch(initializer.body, /url: ['"]https?:/, 'the document is loaded from the same origin');
  assert.equal((await app.inject({ method: 'GET', url: '/documentation/json' })).statusCode, 200);
});

test('no CORS: cross-origin calls and preflights get no Access-Control-Allow-* headers', async (t) => {
  const app = await buildTestApp();
  t.after(() => app.close());
  const simple = await app.inject({ method: 'GET', url: '/v4/butlerping', headers: { origin: 'https://elsewhere.example' } });
  assert.equal(simple.statusCode, 200);
  const preflight = await app.inject({
    method: 'OPTIONS',
    url: '/v4/keyvalues/ns',
    headers: { origin: 'https://elsewhere.example', 'access-control-request-method': 'POST' },
  });
  assert.equal(preflight.statusCode, 404);
  for (const res of [simple, preflight]) {
    assert.deepEqual(Object.keys(res.headers).filter((name) => name.startsWith('access-control-')), []);
  }
});

test('the OpenAPI document declares the API key schemes only when auth is on', async (t) => {
  const on = await buildTestApp({ settings: { server: { auth: AUTH_ON } } });
  const off = await buildTestApp();
  t.after(() => Promise.all([on.close(), off.close()]).then(() => undefined));
  const docOn = (await on.inject({ method: 'GET', url: '/documentation/json' })).json();
  assert.deepEqual(docOn.components.securitySchemes, {
    apiKeyHeader: { type: 'apiKey', in: 'header', name: 'X-API-Key' },
    bearer: { type: 'http', scheme: 'bearer' },
  });
  assert.deepEqual(docOn.security, [{ apiKeyHeader: [] }, { bearer: [] }]);
  const docOff = (await off.inject({ method: 'GET', url: '/documentation/json' })).json();
  assert.equal(docOff.security, undefined);
  assert.equal(docOff.components?.securitySchemes, undefined);
});
