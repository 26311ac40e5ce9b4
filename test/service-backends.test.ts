/**
 * The composition root with the two backends: a backend that is off costs nothing (no client,
 * no certificate read, no start-up question, no readiness probe); one that is on is asked once
 * at start-up, and a tenant that does not answer yet does not stop the service.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { startService } from '../src/service.js';
import { testSettings } from './helpers/app.js';
import { createCapturingLogger } from './helpers/logger.js';
import { qrsSettingsOf, startTestSimulator } from './helpers/simulator.js';
import { cloudSettingsFor, startCloudSimulator } from './qlikcloud/harness.js';

const SALES = '5a1e0c3b-7f2d-4c61-9b8e-2d4f6a8c0001';

test('a Qlik Cloud-only site reads no certificate and asks QRS nothing; starts and /ready go to Qlik Cloud', async (t) => {
  const qrsSim = await startTestSimulator();
  t.after(() => qrsSim.close());
  const cloud = await startCloudSimulator(t);
  const missing = '/nonexistent/stg-no-such-cert.pem';
  const settings = testSettings({
    server: { host: '127.0.0.1', port: 0 },
    qrs: { ...qrsSettingsOf(qrsSim), enable: false, clientCert: missing, clientCertKey: missing, clientCertCA: missing },
    qlikCloud: { ...cloudSettingsFor(cloud), enable: true, taskMap: new Map(), webhook: { enable: false } },
  });
  const { logger, lines } = createCapturingLogger('info');
  const service = await startService(settings, logger, '0.0.0-test');
  t.after(() => service.close());
  await service.qrsReport;
  assert.ok(lines().some((line) => line.includes(`Qlik Cloud at ${cloud.url} answers`)), lines().join('\n'));
  assert.ok(!lines().some((line) => line.includes('QRS at')), 'no start-up question to QRS');

  const started = await fetch(`${service.url}/v4/reloadtask/${SALES}/start`, { method: 'PUT' });
  assert.equal(started.status, 200);
  const body = (await started.json()) as { executions: { backend: string; appId: string }[] };
  assert.deepEqual(body.executions.map(({ backend, appId }) => ({ backend, appId })), [{ backend: 'qlik-cloud', appId: SALES }]);
  const ready = await fetch(`${service.url}/ready`);
  assert.equal(ready.status, 200);
  await ready.text();
  assert.equal(qrsSim.sim.stats.requests.length, 0, 'QRS was never asked');
});

test('both backends on: each is asked at start-up; a tenant that does not answer yet is a warning, not a stop', async (t) => {
  const qrsSim = await startTestSimulator();
  t.after(() => qrsSim.close());
  const cloud = await startCloudSimulator(t);
  cloud.hooks.failReadsWith = 503;
  const settings = testSettings({
    server: { host: '127.0.0.1', port: 0 },
    qrs: { ...qrsSettingsOf(qrsSim), retries: 0 },
    qlikCloud: { ...cloudSettingsFor(cloud), enable: true, taskMap: new Map(), webhook: { enable: false } },
  });
  const { logger, lines } = createCapturingLogger('info');
  const service = await startService(settings, logger, '0.0.0-test');
  t.after(() => service.close());
  await service.qrsReport;
  assert.ok(lines().some((line) => /QRS at 127\.0\.0\.1:\d+ answers/.test(line)), lines().join('\n'));
  const warning = lines().find((line) => line.includes(`Qlik Cloud at ${cloud.url} does not answer yet`));
  assert.ok(warning, lines().join('\n'));
  assert.match(warning, /"level":"warn"/);
  const ready = await fetch(`${service.url}/ready`);
  assert.equal(ready.status, 200, 'QRS answers: the service stays ready');
  await ready.text();
});
