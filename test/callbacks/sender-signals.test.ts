/**
 * What callback deliveries leave on the sender's stopping signal, which lives as long as
 * the process: nothing once they ended, a listener each while they are in flight.
 * A local receiver on 127.0.0.1.
 */
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { test, type TestContext } from 'node:test';
import { createCallbackSender } from '../../src/callbacks/index.js';
import { createCapturingLogger } from '../helpers/logger.js';
import { retainedBy } from '../helpers/signal-retention.js';
import { waitUntil } from '../helpers/wait.js';

/** `/flaky/...` answers 503 to its first POST and 200 after, `/hang` never; anything else 200. */
async function startReceiver(t: TestContext) {
  const paths: string[] = [];
  const server = createServer((req, res) => {
    const path = req.url ?? '';
    const first = !paths.includes(path);
    paths.push(path);
    req.resume();
    req.on('end', () => {
      if (path === '/hang') return;
      res.statusCode = path.startsWith('/flaky/') && first ? 503 : 200;
      res.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.after(
    () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  );
  return { base: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, paths };
}

test('ended deliveries leave nothing on the stopping signal; stop() still ends one in flight', async (t) => {
  const receiver = await startReceiver(t);
  const { logger, lines } = createCapturingLogger('info');
  const stopping = new AbortController();
  const sender = createCallbackSender({
    settings: { allowedUrlPrefixes: [`${receiver.base}/`], maxAttempts: 3, retryDelayMs: 1, timeoutMs: 60_000, secret: null },
    logger,
    userAgent: 'test',
    stopping,
  });
  t.after(() => sender.stop());
  const count = (pattern: RegExp) => lines().filter((line) => pattern.test(line)).length;

  for (let i = 0; i < 50; i++) {
    sender.send(`${receiver.base}/ok/${i}`, { i });
    sender.send(`${receiver.base}/flaky/${i}`, { i }); // delivered on its second attempt
  }
  await waitUntil(() => count(/delivered/) === 100, () => `100 deliveries (${count(/delivered/)} so far)`);
  assert.deepEqual(retainedBy(stopping.signal), { listeners: 0, dependants: 0 });

  sender.send(`${receiver.base}/hang`, {});
  await waitUntil(() => receiver.paths.includes('/hang'), 'the delivery at the receiver');
  assert.equal(retainedBy(stopping.signal).listeners, 1, 'the delivery in flight listens on it');
  sender.stop();
  await waitUntil(() => count(/lost: the service is stopping/) === 1, 'the delivery to end as lost');
});
