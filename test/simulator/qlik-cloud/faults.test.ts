import assert from 'node:assert/strict';
import { after, afterEach, before, describe, it } from 'node:test';
import type { RunningQlikCloudSimulator } from '../../../src/simulator/qlik-cloud/index.js';
import { waitUntil } from '../../helpers/wait.js';
import { cloudRequest, DEMO_APPS, errorCodeOf, jsonOf, startReload, startTestCloudSimulator } from './cloud-request.js';

describe('Qlik Cloud simulator faults', () => {
  let sim: RunningQlikCloudSimulator;
  let defaults: RunningQlikCloudSimulator['hooks'];
  before(async () => {
    sim = await startTestCloudSimulator();
    defaults = { ...sim.hooks };
  });
  after(() => sim.close());
  afterEach(() => {
    Object.assign(sim.hooks, defaults);
    sim.stats.reset();
  });

  const post = (appId: string) => cloudRequest(sim, { method: 'POST', path: '/api/v1/reloads', body: { appId } });
  const items = () => cloudRequest(sim, { path: '/api/v1/items?resourceType=app' });

  it('rateLimitNextStarts: the next N starts answer 429 HTTP-429 with Retry-After, starting nothing', async () => {
    Object.assign(sim.hooks, { rateLimitNextStarts: 2, retryAfterSeconds: 7 });
    for (let i = 0; i < 2; i += 1) {
      const answer = await post(DEMO_APPS.sales);
      assert.equal(answer.status, 429);
      assert.equal(answer.headers['retry-after'], '7');
      assert.equal(errorCodeOf(answer), 'HTTP-429');
    }
    assert.equal(sim.stats.reloadsCreated.length, 0);
    assert.equal((await post(DEMO_APPS.sales)).status, 201, 'the third goes through');
  });

  it('readsPerMinute: reads over the limit answer 429 with Retry-After; starts are not limited by it', async () => {
    sim.hooks.readsPerMinute = 3;
    for (let i = 0; i < 3; i += 1) assert.equal((await items()).status, 200);
    const limited = await items();
    assert.equal(limited.status, 429);
    assert.equal(errorCodeOf(limited), 'HTTP-429');
    const retryAfter = Number(limited.headers['retry-after']);
    assert.ok(Number.isInteger(retryAfter) && retryAfter >= 1 && retryAfter <= 60, `Retry-After ${retryAfter}`);
    assert.equal((await post(DEMO_APPS.sales)).status, 201);
    sim.hooks.readsPerMinute = null;
    assert.equal((await items()).status, 200);
  });

  it('quotaExceeded: starts answer 403 RELOADS-013', async () => {
    sim.hooks.quotaExceeded = true;
    const answer = await post(DEMO_APPS.sales);
    assert.equal(answer.status, 403);
    assert.equal(errorCodeOf(answer), 'RELOADS-013');
    assert.equal(sim.stats.reloadsCreated.length, 0);
  });

  it('failStartsWith: starts answer that status and start nothing; failReadsWith does the same to reads', async () => {
    sim.hooks.failStartsWith = 503;
    assert.equal((await post(DEMO_APPS.sales)).status, 503);
    assert.equal(sim.stats.reloadsCreated.length, 0);
    sim.hooks.failStartsWith = null;
    const { id } = await startReload(sim, { appId: DEMO_APPS.sales });
    sim.hooks.failReadsWith = 500;
    assert.equal((await cloudRequest(sim, { path: `/api/v1/reloads/${id}` })).status, 500);
    assert.equal((await items()).status, 500);
  });

  it('startAnswerDelayMs: the reload exists, and can be listed, while its answer is held back', async (t) => {
    // A simulator of its own: closing it is what ends the held-back answer.
    const held = await startTestCloudSimulator();
    t.after(() => held.close());
    held.hooks.startAnswerDelayMs = 60_000;
    let answered = false;
    const pending = cloudRequest(held, { method: 'POST', path: '/api/v1/reloads', body: { appId: DEMO_APPS.sales } }).finally(() => (answered = true));
    await waitUntil(() => held.stats.reloadsCreated.length === 1, 'the reload to be created');
    const list = jsonOf<{ data: { id: string }[] }>(await cloudRequest(held, { path: `/api/v1/reloads?appId=${DEMO_APPS.sales}` }));
    assert.deepEqual(list.data.map((reload) => reload.id), [held.stats.reloadsCreated[0]?.reloadId]);
    assert.equal(answered, false, 'the start is still unanswered');
    await held.close();
    await assert.rejects(pending, /socket hang up|ECONNRESET/);
  });

  it('dropAfterStart: the reload is created, the connection is destroyed without an answer', async () => {
    sim.hooks.dropAfterStart = true;
    await assert.rejects(post(DEMO_APPS.finance), /socket hang up|ECONNRESET/);
    assert.equal(sim.stats.reloadsCreated.length, 1);
    assert.equal(sim.stats.requests.at(-1)?.status, 0);
    sim.hooks.dropAfterStart = false;
    assert.equal((await post(DEMO_APPS.finance)).status, 201, 'the dropped start created a reload that has ended');
  });

  it('scriptLogFailsWith: script log reads answer that status while the reload and its log field stay readable', async () => {
    const { id } = await startReload(sim, { appId: DEMO_APPS.broken });
    for (const status of [404, 500]) {
      sim.hooks.scriptLogFailsWith = status;
      assert.equal((await cloudRequest(sim, { path: `/api/v1/apps/${DEMO_APPS.broken}/reloads/logs/${id}` })).status, status);
    }
    const reload = jsonOf<{ log?: string }>(await cloudRequest(sim, { path: `/api/v1/reloads/${id}` }));
    assert.match(reload.log ?? '', /Reload failed/);
  });
});
