import assert from 'node:assert/strict';
import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, afterEach, before, describe, it } from 'node:test';
import type { RunningQlikCloudSimulator } from '../../../src/simulator/qlik-cloud/index.js';
import { waitUntil } from '../../helpers/wait.js';
import { cloudRequest, DEMO_APPS, startReload, startTestCloudSimulator } from './cloud-request.js';

const SECRET = 'receiver-secret-ä';

interface Delivery {
  headers: IncomingHttpHeaders;
  rawBody: Buffer;
}

interface ReloadFinished {
  specversion: string;
  type: string;
  source: string;
  id: string;
  time: string;
  datacontenttype: string;
  data: { id: string; appId: string; status: string; succeeded: boolean; errorCode?: string; durationSeconds: number };
}

/** A webhook receiver on 127.0.0.1 that keeps what it gets and answers `status`. */
async function startReceiver(): Promise<{ url: string; deliveries: Delivery[]; status: number; server: Server }> {
  const receiver = { url: '', deliveries: [] as Delivery[], status: 200, server: createServer() };
  receiver.server.on('request', (req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      receiver.deliveries.push({ headers: req.headers, rawBody: Buffer.concat(chunks) });
      res.writeHead(receiver.status).end();
    });
  });
  await new Promise<void>((resolve) => receiver.server.listen(0, '127.0.0.1', resolve));
  receiver.url = `http://127.0.0.1:${(receiver.server.address() as AddressInfo).port}/qlik/events`;
  return receiver;
}

/** The receiver's check: HMAC-SHA256 of the raw body with the shared secret, as lowercase hex, compared in constant time. */
function signatureValid(delivery: Delivery): boolean {
  const expected = Buffer.from(createHmac('sha256', SECRET).update(delivery.rawBody).digest('hex'));
  const given = Buffer.from(String(delivery.headers['qlik-signature'] ?? ''));
  return given.length === expected.length && timingSafeEqual(given, expected);
}

const eventOf = (delivery: Delivery | undefined): ReloadFinished => JSON.parse(delivery?.rawBody.toString('utf8') ?? 'null') as ReloadFinished;

describe('Qlik Cloud simulator reload-finished webhooks', () => {
  let receiver: Awaited<ReturnType<typeof startReceiver>>;
  let sim: RunningQlikCloudSimulator;
  before(async () => {
    receiver = await startReceiver();
    sim = await startTestCloudSimulator({ webhookUrl: receiver.url, webhookSecret: SECRET });
  });
  after(async () => {
    await sim.close();
    receiver.server.closeAllConnections();
    await new Promise((resolve) => receiver.server.close(resolve));
  });
  afterEach(() => {
    Object.assign(sim.hooks, { webhookUrl: receiver.url, webhookSecret: SECRET, wronglySignedEvents: 0, reloadMs: 0 });
    receiver.deliveries.length = 0;
    receiver.status = 200;
    sim.stats.reset();
  });

  const delivered = (count: number) =>
    waitUntil(() => sim.stats.webhookDeliveries.length >= count, () => `${count} webhook deliveries (got ${sim.stats.webhookDeliveries.length})`);

  it('POSTs one signed CloudEvents 1.0 reload-finished event when a reload ends, unasked', async () => {
    sim.hooks.reloadMs = 30;
    const reload = await startReload(sim, { appId: DEMO_APPS.sales });
    await delivered(1);
    const [delivery] = receiver.deliveries;
    assert.ok(delivery !== undefined && signatureValid(delivery), 'Qlik-Signature verifies with the secret');
    assert.match(String(delivery.headers['qlik-signature']), /^[0-9a-f]{64}$/);
    assert.equal(delivery.headers['content-type'], 'application/json');
    assert.equal(delivery.headers['user-agent'], 'Qlik Webhook');
    const event = eventOf(delivery);
    assert.equal(event.specversion, '1.0');
    assert.equal(event.type, 'com.qlik.v1.reload.finished');
    assert.equal(event.source, 'com.qlik/reloads');
    assert.equal(event.datacontenttype, 'application/json');
    assert.ok(event.id !== '' && !Number.isNaN(Date.parse(event.time)));
    assert.deepEqual([event.data.id, event.data.appId, event.data.status, event.data.succeeded], [reload.id, DEMO_APPS.sales, 'SUCCEEDED', true]);
    assert.deepEqual(sim.stats.webhookDeliveries.map((d) => [d.reloadId, d.eventId, d.status]), [[reload.id, event.id, 200]]);
    await cloudRequest(sim, { path: `/api/v1/reloads/${reload.id}` });
    assert.equal(receiver.deliveries.length, 1, 'published once per reload');
  });

  it('reports FAILED, EXCEEDED_LIMIT and CANCELED ends with their status', async () => {
    const failed = await startReload(sim, { appId: DEMO_APPS.broken });
    await delivered(1);
    assert.deepEqual([eventOf(receiver.deliveries[0]).data.id, eventOf(receiver.deliveries[0]).data.status], [failed.id, 'FAILED']);
    assert.equal(eventOf(receiver.deliveries[0]).data.succeeded, false);
    sim.hooks.reloadMs = Infinity;
    const limited = await startReload(sim, { appId: DEMO_APPS.sales });
    sim.reloads.finish(limited.id, 'EXCEEDED_LIMIT');
    const canceled = await startReload(sim, { appId: DEMO_APPS.finance });
    await cloudRequest(sim, { method: 'POST', path: `/api/v1/reloads/${canceled.id}/actions/cancel` });
    await cloudRequest(sim, { path: `/api/v1/reloads/${canceled.id}` });
    await delivered(3);
    assert.deepEqual(
      receiver.deliveries.slice(1).map((d) => [eventOf(d).data.id, eventOf(d).data.status]),
      [
        [limited.id, 'EXCEEDED_LIMIT'],
        [canceled.id, 'CANCELED'],
      ],
    );
  });

  it('signs the next N events with another key when hooks.wronglySignedEvents says so', async () => {
    sim.hooks.wronglySignedEvents = 1;
    await startReload(sim, { appId: DEMO_APPS.sales });
    await delivered(1);
    await startReload(sim, { appId: DEMO_APPS.finance });
    await delivered(2);
    assert.deepEqual(receiver.deliveries.map(signatureValid), [false, true]);
  });

  it('takes webhookUrl and webhookSecret from hooks at run time; none set sends nothing', async () => {
    sim.hooks.webhookUrl = null;
    const quiet = await startReload(sim, { appId: DEMO_APPS.sales });
    await cloudRequest(sim, { path: `/api/v1/reloads/${quiet.id}` });
    Object.assign(sim.hooks, { webhookUrl: receiver.url, webhookSecret: null });
    await startReload(sim, { appId: DEMO_APPS.finance });
    await delivered(1);
    assert.equal(receiver.deliveries.length, 1, 'the reload that ended without a URL sent nothing');
    assert.equal(receiver.deliveries[0]?.headers['qlik-signature'], undefined, 'no secret, no signature');
  });

  it('counts deliveries that fail (an error answer, nobody listening, a bad URL) and keeps working', async () => {
    receiver.status = 500;
    await startReload(sim, { appId: DEMO_APPS.sales });
    await delivered(1);
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const deadPort = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    sim.hooks.webhookUrl = `http://127.0.0.1:${deadPort}/`;
    await startReload(sim, { appId: DEMO_APPS.finance });
    await delivered(2);
    sim.hooks.webhookUrl = 'https://127.0.0.1:1/';
    await startReload(sim, { appId: DEMO_APPS.stock });
    await delivered(3);
    assert.equal(sim.stats.webhookFailures, 3);
    assert.deepEqual(sim.stats.webhookDeliveries.map((d) => d.status), [500, 0, 0]);
    assert.ok(sim.stats.webhookDeliveries.slice(1).every((d) => (d.error ?? '') !== ''));
    assert.equal((await cloudRequest(sim, { path: '/api/v1/items' })).status, 200);
  });
});
