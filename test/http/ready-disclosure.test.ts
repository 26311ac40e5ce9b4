/**
 * /ready tells anyone whether the service is ready, and only admins (and the log) why not:
 * QRS's error names its host, port and socket error. Real HTTP, the real QRS client.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createQrsClient } from '../../src/qrs/index.js';
import { AUTH_ON, KEYS } from '../helpers/api-keys.js';
import { buildTestApp, listen, testSettings } from '../helpers/app.js';
import { createCapturingLogger } from '../helpers/logger.js';
import { freePort } from '../helpers/process.js';
import { qrsSettingsOf, startTestSimulator } from '../helpers/simulator.js';

async function readyOf(base: string, headers: Record<string, string> = {}) {
  const res = await fetch(`${base}/ready`, { headers });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

test('QRS down: callers without an admin key get {ready, checkedAt} only; the log and admins get the reason', async (t) => {
  const simulator = await startTestSimulator();
  t.after(() => simulator.close());
  const closedPort = await freePort();
  const settings = testSettings({
    server: { auth: AUTH_ON },
    qrs: { ...qrsSettingsOf(simulator), port: closedPort, retries: 0, readinessCacheMs: 0 },
  });
  const { logger, lines } = createCapturingLogger('info');
  const qrs = createQrsClient(settings.qrs, { logger });
  t.after(() => qrs.close());
  const app = await buildTestApp({ settings, qrs, logger });
  t.after(() => app.close());
  const base = await listen(app);

  for (const headers of [{}, { 'x-api-key': KEYS.reader }, { 'x-api-key': KEYS.starter }] as Record<string, string>[]) {
    const anonymous = await readyOf(base, headers);
    assert.equal(anonymous.status, 503);
    assert.deepEqual(Object.keys(anonymous.body).sort(), ['checkedAt', 'ready']);
    assert.equal(anonymous.body.ready, false);
    assert.ok(!JSON.stringify(anonymous.body).includes(String(closedPort)), 'no QRS port in the answer');
  }
  const admin = await readyOf(base, { 'x-api-key': KEYS.admin });
  assert.equal(admin.status, 503);
  const detail = (admin.body.qrs as { detail: string }).detail;
  assert.match(detail, new RegExp(`127\\.0\\.0\\.1:${closedPort}`));
  assert.ok(lines().some((line) => line.includes(`127.0.0.1:${closedPort}`) && JSON.parse(line).level !== 'debug'), 'the log has the reason');
});

test('QRS up: 200 {ready: true, checkedAt} with auth off (nobody is admin)', async (t) => {
  const simulator = await startTestSimulator();
  t.after(() => simulator.close());
  const settings = testSettings({ qrs: { ...qrsSettingsOf(simulator), retries: 0 } });
  const { logger } = createCapturingLogger('info');
  const qrs = createQrsClient(settings.qrs, { logger });
  t.after(() => qrs.close());
  const app = await buildTestApp({ settings, qrs, logger });
  t.after(() => app.close());
  const base = await listen(app);
  const ready = await readyOf(base);
  assert.equal(ready.status, 200);
  assert.equal(ready.body.ready, true);
  assert.ok(!Number.isNaN(Date.parse(String(ready.body.checkedAt))));
  assert.deepEqual(Object.keys(ready.body).sort(), ['checkedAt', 'ready']);
});
