/**
 * What the Qlik REST connector and other .NET or scripted callers send: JSON bodies as
 * text/plain (any charset) or without a Content-Type are read as JSON; any other type is a
 * 415 that says what to send. Real HTTP to the app, real QRS simulator, real store.
 */
import assert from 'node:assert/strict';
import { request as httpRequest } from 'node:http';
import { test } from 'node:test';
import { call, idsOf, startedIds, startHarness, TASKS } from '../starttask/harness.js';

const { app1, app2, app3 } = TASKS;

/** A request with exactly these headers (fetch would add a Content-Type to a string body). */
function send(base: string, method: string, path: string, headers: Record<string, string>, body: Buffer) {
  return new Promise<{ status: number; body: Record<string, unknown> }>((resolve, reject) => {
    const req = httpRequest(`${base}${path}`, { method, headers: { ...headers, 'content-length': String(body.length) } }, (res) => {
      let text = '';
      res.on('data', (chunk: Buffer) => (text += chunk.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text === '' ? {} : (JSON.parse(text) as Record<string, unknown>) }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

test('a start body sent as text/plain; charset=utf-8 (the Qlik REST connector) or with no Content-Type starts the tasks', async (t) => {
  const h = await startHarness(t);
  const items = Buffer.from(JSON.stringify([{ type: 'starttasktag', payload: { tag: 'startTask1' } }]));
  const asText = await send(h.base, 'POST', '/v4/reloadtask/-/start', { 'content-type': 'text/plain; charset=utf-8' }, items);
  assert.equal(asText.status, 200, JSON.stringify(asText.body));
  const untyped = await send(h.base, 'PUT', '/v4/reloadtask/-/start', {}, items);
  assert.equal(untyped.status, 200, JSON.stringify(untyped.body));
  assert.deepEqual(startedIds(h.sim), idsOf(app1, app1, app2, app2, app3, app3));
});

test('text/plain in another charset is decoded by its charset; no Content-Type is UTF-8', async (t) => {
  const h = await startHarness(t);
  const latin1 = Buffer.from('{"key":"k","value":"Malmö"}', 'latin1');
  const written = await send(h.base, 'POST', '/v4/keyvalues/ns', { 'content-type': 'text/plain; charset=ISO-8859-1' }, latin1);
  assert.equal(written.status, 201, JSON.stringify(written.body));
  assert.equal((await h.kv!.get('ns', 'k'))?.value, 'Malmö');
  const plain = await send(h.base, 'POST', '/v4/keyvalues/ns', { 'content-type': 'text/plain' }, Buffer.from('{"key":"p","value":"ü"}'));
  assert.equal(plain.status, 201);
  const untyped = await send(h.base, 'POST', '/v4/keyvalues/ns', {}, Buffer.from('{"key":"u","value":"€"}'));
  assert.equal(untyped.status, 201, JSON.stringify(untyped.body));
  assert.equal((await h.kv!.get('ns', 'u'))?.value, '€');
});

test('text/plain that is not JSON is a 400 saying so; an unknown charset is a 415', async (t) => {
  const h = await startHarness(t);
  const notJson = await send(h.base, 'POST', '/v4/keyvalues/ns', { 'content-type': 'text/plain' }, Buffer.from('key=k&value=v'));
  assert.equal(notJson.status, 400);
  assert.match(String(notJson.body.message), /JSON/);
  const badCharset = await send(h.base, 'POST', '/v4/keyvalues/ns', { 'content-type': 'text/plain; charset=x-unknown' }, Buffer.from('{}'));
  assert.equal(badCharset.status, 415);
  assert.equal(await h.kv!.listKeys('ns'), undefined, 'nothing was written');
});

test('any other Content-Type is a 415 telling the caller to send application/json; nothing is started', async (t) => {
  const h = await startHarness(t);
  for (const contentType of ['application/xml', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'text/html']) {
    const answer = await send(h.base, 'PUT', `/v4/reloadtask/${app1.taskId}/start`, { 'content-type': contentType }, Buffer.from('[]'));
    assert.equal(answer.status, 415, contentType);
    assert.equal(answer.body.code, 'ERR_UNSUPPORTED_MEDIA_TYPE');
    assert.match(String(answer.body.message), /send Content-Type: application\/json/);
  }
  assert.deepEqual(h.sim.stats.requests, []);
  // JSON in any of its usual spellings is still JSON.
  const json = await call(h.base, `/v4/reloadtask/${app1.taskId}/start`, { body: [], headers: { 'content-type': 'application/json' } });
  assert.equal(json.status, 200);
});

test('a body over bodyLimit is a 413 naming the limit and its key, also without a Content-Type', async (t) => {
  const h = await startHarness(t, { settings: { server: { bodyLimitBytes: 100 } } });
  const big = Buffer.from(JSON.stringify({ key: 'k', value: 'x'.repeat(200) }));
  for (const headers of [{ 'content-type': 'application/json' }, {}, { 'content-type': 'text/plain' }] as Record<string, string>[]) {
    const answer = await send(h.base, 'POST', '/v4/keyvalues/ns', headers, big);
    assert.equal(answer.status, 413, JSON.stringify(headers));
    assert.equal(answer.body.message, 'the request body is larger than 100 bytes (Butler.restServerConfig.bodyLimit)');
  }
});
