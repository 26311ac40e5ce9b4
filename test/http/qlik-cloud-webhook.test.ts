/**
 * POST /v4/qlikcloud/webhook over real HTTP: signed with the simulator's own signing code
 * (not the service's), with auth on and no API key. A refused event reaches no listener;
 * a taken one reaches the app's hub.
 */
import assert from 'node:assert/strict';
import { test, type TestContext } from 'node:test';
import type { Settings } from '../../src/config/settings.js';
import type { CloudReload } from '../../src/qlikcloud/types.js';
import { createLocalReloadFinishedHub } from '../../src/reloadevents/index.js';
import { qlikSignature, RELOAD_FINISHED_EVENT_TYPE } from '../../src/simulator/qlik-cloud/index.js';
import { AUTH_ON } from '../helpers/api-keys.js';
import { buildTestApp, listen, type DeepPartial } from '../helpers/app.js';
import { createCapturingLogger } from '../helpers/logger.js';

const SECRET = 'qlik-webhook-secret-27c41d9e-0b5f93a6c4e1';
const RELOAD = '65f1c2d3e4a5b6c7d8e9f0a1';
const APP = '5a1e0c3b-7f2d-4c61-9b8e-2d4f6a8c0001';

const cloudOn = (webhook: boolean) =>
  ({
    qlikCloud: {
      enable: true,
      tenantUrl: 'http://127.0.0.1:9',
      credentials: { kind: 'apiKey', apiKey: 'unused-in-these-tests' },
      timeoutMs: 1000,
      maxRequestsPerMinute: 600,
      taskMap: new Map(),
      webhook: webhook ? { enable: true, secret: SECRET } : { enable: false },
    },
  }) as DeepPartial<Settings>;

async function webhookApp(t: TestContext, settings: DeepPartial<Settings> = cloudOn(true)) {
  const events = createLocalReloadFinishedHub();
  const heard: CloudReload[] = [];
  events.subscribe((reload) => heard.push(reload));
  const { logger, lines } = createCapturingLogger('info');
  const app = await buildTestApp({ settings: { ...settings, server: { auth: AUTH_ON } }, logger, reloadEvents: events });
  t.after(() => app.close());
  const base = await listen(app);
  const post = async (body: string, headers: Record<string, string>) => {
    const answer = await fetch(`${base}/v4/qlikcloud/webhook`, { method: 'POST', body, headers: { 'content-type': 'application/json', ...headers } });
    return { status: answer.status, body: (await answer.json()) as Record<string, unknown> };
  };
  return { post, heard, lines };
}

const eventBody = (data: Record<string, unknown> = {}, type = RELOAD_FINISHED_EVENT_TYPE) =>
  JSON.stringify({
    specversion: '1.0',
    type,
    source: 'com.qlik/reloads',
    id: 'a3f4c1de-0b9e-4f61-8d3a-2c7e5f901234',
    time: '2026-12-01T06:00:09.000Z',
    data: { id: RELOAD, appId: APP, status: 'FAILED', startTime: '2026-12-01T06:00:01.000Z', ...data },
  });

const signed = (body: string, secret = SECRET) => ({ 'qlik-signature': qlikSignature(body, secret) });

test('a signed reload-finished event is taken without an API key and reaches the hub', async (t) => {
  const hook = await webhookApp(t);
  const body = eventBody();
  const answer = await hook.post(body, signed(body));
  assert.deepEqual(answer, { status: 200, body: { received: true, reloadId: RELOAD } });
  assert.deepEqual(hook.heard, [
    { id: RELOAD, appId: APP, status: 'FAILED', partial: false, creationTime: null, startTime: '2026-12-01T06:00:01.000Z', endTime: '2026-12-01T06:00:09.000Z', log: null },
  ]);
});

test('a missing or wrong signature is a 401 that changes nothing and logs no signature', async (t) => {
  const hook = await webhookApp(t);
  const body = eventBody();
  const wrong = signed(body, 'not-the-webhook-secret-at-all');
  const cases: Record<string, string>[] = [{}, wrong, signed(eventBody({ status: 'SUCCEEDED' })), { 'qlik-signature': '' }, { authorization: 'Bearer x' }];
  for (const headers of cases) {
    const answer = await hook.post(body, headers);
    assert.equal(answer.status, 401, JSON.stringify(headers));
    assert.equal(answer.body.code, 'ERR_UNAUTHORIZED');
    assert.match(String(answer.body.message), /Qlik-Signature is missing or does not match/);
  }
  assert.deepEqual(hook.heard, [], 'no listener heard a refused event');
  const logged = hook.lines().join('\n');
  assert.equal(hook.lines().filter((line) => line.includes('whose Qlik-Signature is missing or wrong')).length, cases.length);
  assert.ok(!logged.includes(wrong['qlik-signature'] as string) && !logged.includes(SECRET), 'neither signature nor secret logged');
});

test('signed but unusable: other event types are acknowledged and ignored, malformed ones are 400s', async (t) => {
  const hook = await webhookApp(t);
  const other = eventBody({}, 'com.qlik.v1.app.reload.finished');
  assert.deepEqual(await hook.post(other, signed(other)), {
    status: 200,
    body: { received: true, ignored: 'not a com.qlik.v1.reload.finished event (type "com.qlik.v1.app.reload.finished")' },
  });
  for (const [body, message] of [
    ['{not json', 'body must be a JSON CloudEvent (got text that is not JSON)'],
    [eventBody({ id: null }), 'body.data.id must be a non-empty string (got null)'],
  ] as const) {
    const answer = await hook.post(body, signed(body));
    assert.equal(answer.status, 400, body);
    assert.equal(answer.body.message, message);
  }
  const body = eventBody();
  const asText = await hook.post(body, { ...signed(body), 'content-type': 'text/plain' });
  assert.equal(asText.status, 415);
  assert.deepEqual(hook.heard, []);
});

test('the endpoint exists only while Butler.qlikCloud.webhook.enable is on', async (t) => {
  const hook = await webhookApp(t, cloudOn(false));
  const body = eventBody();
  assert.equal((await hook.post(body, signed(body))).status, 401, 'with auth on, an unknown route asks for a key first');
  assert.deepEqual(hook.heard, []);
});
