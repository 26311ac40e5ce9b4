import assert from 'node:assert/strict';
import { request } from 'node:http';
import { test } from 'node:test';
import { buildTestApp, listen } from '../helpers/app.js';
import { createCapturingLogger } from '../helpers/logger.js';

function entries(lines: readonly string[]): Record<string, unknown>[] {
  return lines.map((line) => JSON.parse(line) as Record<string, unknown>);
}

test('request log lines keep their fields when the URL holds printf-like sequences (lower-case percent-encoding: %c3, %d0)', async (t) => {
  const { logger, lines } = createCapturingLogger('info');
  const app = await buildTestApp({ logger });
  const base = await listen(app);
  t.after(() => app.close());
  // Sent as is: é and п percent-encoded in lower case, as some clients do.
  const status = await new Promise<number | undefined>((resolve, reject) => {
    request(`${base}/nope/%c3%a9%d0%bf?key=a`, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode));
    })
      .on('error', reject)
      .end();
  });
  assert.equal(status, 404);
  const [line, ...more] = entries(lines()).filter((entry) => entry.path === '/nope/%c3%a9%d0%bf');
  assert.equal(more.length, 0);
  assert.ok(line, lines().join('\n'));
  assert.equal(line.statusCode, 404);
  assert.equal(line.caller, 'anonymous');
  assert.equal(typeof line.reqId, 'string');
  assert.match(String(line.message), /^GET \/nope\/%c3%a9%d0%bf 404 /);
});

test('Fastify lines below the level cost nothing and are not written; at the level they carry reqId and caller', async (t) => {
  const { logger, lines } = createCapturingLogger('info');
  const app = await buildTestApp({ logger });
  let reads = 0;
  const watched = {
    get detail() {
      reads += 1;
      return 'seen';
    },
  };
  app.get('/levels', async (request) => {
    request.log.debug(watched, 'debug line');
    request.log.trace(watched, 'trace line');
    request.log.warn(watched, 'warn line');
    return { ok: true };
  });
  const base = await listen(app);
  t.after(() => app.close());
  assert.equal((await fetch(`${base}/levels`)).status, 200);
  const logged = entries(lines());
  assert.deepEqual(
    logged.filter((entry) => String(entry.message).endsWith(' line')).map((entry) => [entry.level, entry.message, entry.detail, entry.caller]),
    [['warn', 'warn line', 'seen', 'anonymous']],
  );
  assert.equal(reads, 1, 'only the warn line read its fields');
  const reqIds = new Set(logged.filter((entry) => entry.path === '/levels' || entry.message === 'warn line').map((entry) => entry.reqId));
  assert.equal(reqIds.size, 1);
});
