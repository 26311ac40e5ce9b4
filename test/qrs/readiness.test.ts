import assert from 'node:assert/strict';
import { test } from 'node:test';
import { QrsUnavailableError } from '../../src/qrs/errors.js';
import { createQrsReadiness } from '../../src/qrs/readiness.js';
import type { QrsAbout } from '../../src/qrs/types.js';
import { startTestSimulator } from '../helpers/simulator.js';
import { clientFor } from './qrs-test-client.js';

/** An `about` that counts calls and answers what the test says, when the test says. */
function scriptedAbout(): {
  about: () => Promise<QrsAbout>;
  calls: () => number;
  answerNext: (outcome: QrsAbout | Error) => void;
} {
  let calls = 0;
  const waiting: ((outcome: QrsAbout | Error) => void)[] = [];
  return {
    about: () => {
      calls += 1;
      return new Promise((resolve, reject) => {
        waiting.push((outcome) => (outcome instanceof Error ? reject(outcome) : resolve(outcome)));
      });
    },
    calls: () => calls,
    answerNext: (outcome) => {
      const next = waiting.shift();
      assert.ok(next, 'no probe is waiting');
      next(outcome);
    },
  };
}

test('concurrent checks share one probe, and the result is cached for cacheMs', async () => {
  let clock = Date.parse('2026-01-01T00:00:00.000Z');
  const qrs = scriptedAbout();
  const readiness = createQrsReadiness({ about: qrs.about }, { cacheMs: 1000, now: () => clock });

  const first = readiness.check();
  const second = readiness.check();
  assert.equal(qrs.calls(), 1);
  qrs.answerNext({ buildVersion: '34.14.3' });
  const expected = { ready: true, detail: 'QRS 34.14.3 answered', checkedAt: '2026-01-01T00:00:00.000Z' };
  assert.deepEqual(await first, expected);
  assert.deepEqual(await second, expected);

  clock += 999;
  assert.deepEqual(await readiness.check(), expected);
  assert.equal(qrs.calls(), 1);

  clock += 1;
  const third = readiness.check();
  assert.equal(qrs.calls(), 2);
  qrs.answerNext({ buildVersion: '34.14.4' });
  assert.equal((await third).checkedAt, '2026-01-01T00:00:01.000Z');
});

test('a failed probe reports not ready with the error message, and is cached too', async () => {
  let clock = 0;
  const qrs = scriptedAbout();
  const readiness = createQrsReadiness({ about: qrs.about }, { cacheMs: 500, now: () => clock });
  const failure = new QrsUnavailableError({ method: 'GET', endpoint: '/qrs/about' }, 'connect ECONNREFUSED');

  const pending = readiness.check();
  qrs.answerNext(failure);
  assert.deepEqual(await pending, { ready: false, detail: failure.message, checkedAt: new Date(0).toISOString() });
  clock = 499;
  assert.equal((await readiness.check()).ready, false);
  assert.equal(qrs.calls(), 1);

  clock = 500;
  const recovered = readiness.check();
  qrs.answerNext({ buildVersion: '1' });
  assert.equal((await recovered).ready, true);
  assert.equal(qrs.calls(), 2);
});

test('against the simulator: repeated checks within cacheMs ask QRS once', async (t) => {
  const simulator = await startTestSimulator();
  t.after(() => simulator.close());
  const qrs = clientFor(t, simulator);
  let clock = 1_000_000;
  const readiness = createQrsReadiness(qrs, { cacheMs: 5_000, now: () => clock });

  const results = await Promise.all([readiness.check(), readiness.check(), readiness.check()]);
  assert.ok(results.every((result) => result.ready));
  clock += 4_999;
  assert.equal((await readiness.check()).ready, true);
  assert.equal(simulator.sim.stats.requestCount({ method: 'GET', pathPrefix: '/qrs/about' }), 1);

  simulator.sim.hooks.failAllWith = 503;
  clock += 1;
  const down = await readiness.check();
  assert.equal(down.ready, false);
  assert.equal(down.detail, 'QRS GET /qrs/about failed: 503 Service Unavailable');
  assert.equal(simulator.sim.stats.requestCount({ method: 'GET', pathPrefix: '/qrs/about' }), 2);
});
