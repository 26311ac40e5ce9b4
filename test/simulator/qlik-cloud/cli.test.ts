import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { describe, it } from 'node:test';
import { spawnTs } from '../../helpers/process.js';
import { waitUntil } from '../../helpers/wait.js';
import { cloudRequest, DEMO_APPS } from './cloud-request.js';

const CLI = fileURLToPath(new URL('../../../src/simulator/qlik-cloud/cli.ts', import.meta.url));

describe('Qlik Cloud simulator CLI', () => {
  it('serves the demo apps with the given key, sends signed webhooks, prints its URL and stops on SIGTERM', async (t) => {
    const events: { signature: unknown; body: string }[] = [];
    const receiver = createServer((req, res) => {
      let body = '';
      req.setEncoding('utf8').on('data', (chunk: string) => (body += chunk));
      req.on('end', () => {
        events.push({ signature: req.headers['qlik-signature'], body });
        res.end();
      });
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    t.after(() => new Promise((resolve) => receiver.close(resolve)));
    const webhookUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`;

    const args = ['--port', '0', '--api-key', 'cli-key', '--reload-ms', '0', '--webhook-url', webhookUrl, '--webhook-secret', 'cli-secret'];
    const cli = spawnTs(CLI, args);
    t.after(() => cli.stop());
    // Starting tsx on a loaded 2-core machine can take long, hence the wait.
    const [, url = ''] = await cli.waitFor(/listening on (http:\/\/127\.0\.0\.1:\d+)/, 45_000);
    const output = cli.output();
    assert.doesNotMatch(output, /cli-key|cli-secret/, 'credentials given on the command line are not printed');
    const sim = { port: Number(new URL(url).port) };

    assert.equal((await cloudRequest(sim, { path: '/api/v1/items?resourceType=app', token: 'cli-key' })).status, 200);
    const started = await cloudRequest(sim, { method: 'POST', path: '/api/v1/reloads', token: 'cli-key', body: { appId: DEMO_APPS.sales } });
    assert.equal(started.status, 201);
    await waitUntil(() => events.length === 1, 'the reload-finished event');
    assert.equal(events[0]?.signature, createHmac('sha256', 'cli-secret').update(events[0]?.body ?? '').digest('hex'));

    assert.equal(await cli.stop(), 0, 'SIGTERM ends it cleanly');
  });

  it('refuses a bad option value with a message and exit code 1', async () => {
    const cli = spawnTs(CLI, ['--reload-ms', 'soon']);
    assert.equal(await cli.exited, 1);
    assert.match(cli.output(), /--reload-ms must be a whole number/);
  });
});
