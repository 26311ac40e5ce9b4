import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startTestCloudSimulator, cloudRequest, DEMO_APPS, startReload } from './cloud-request.js';
import type { RunningQlikCloudSimulator } from '../../../src/simulator/qlik-cloud/index.js';

describe('Qlik Cloud simulator script logs', () => {
  let sim: RunningQlikCloudSimulator;
  before(async () => {
    sim = await startTestCloudSimulator();
  });
  after(() => sim.close());

  const logOf = (appId: string, reloadId: string) => cloudRequest(sim, { path: `/api/v1/apps/${appId}/reloads/logs/${reloadId}` });

  it('serves the script log of an ended reload as CRLF text/plain, hooks.scriptLogLines long', async () => {
    const { id } = await startReload(sim, { appId: DEMO_APPS.sales });
    const answer = await logOf(DEMO_APPS.sales, id);
    assert.equal(answer.status, 200);
    assert.match(answer.headers['content-type'] ?? '', /^text\/plain; charset=UTF-8$/i);
    assert.ok(answer.text.endsWith('\r\n'));
    const lines = answer.text.split('\r\n').slice(0, -1);
    assert.equal(lines.length, sim.hooks.scriptLogLines);
    assert.ok(lines.every((line) => !line.includes('\n')), 'no bare LF');
    assert.match(lines.at(-1) ?? '', /Execution finished\.$/);
  });

  it('ends the log of a failing app with the error and "Execution Failed"; apps may set their own length', async () => {
    const { id } = await startReload(sim, { appId: DEMO_APPS.broken });
    const lines = (await logOf(DEMO_APPS.broken, id)).text.split('\r\n');
    assert.match(lines.at(-4) ?? '', /Error: /);
    assert.match(lines.at(-3) ?? '', /Execution Failed/);
    const stock = await startReload(sim, { appId: DEMO_APPS.stock });
    assert.equal((await logOf(DEMO_APPS.stock, stock.id)).text.split('\r\n').length - 1, 120);
  });

  it('has no closing lines while the reload runs', async (t) => {
    t.after(() => (sim.hooks.reloadMs = 0));
    sim.hooks.reloadMs = Infinity;
    const { id } = await startReload(sim, { appId: DEMO_APPS.finance });
    assert.doesNotMatch((await logOf(DEMO_APPS.finance, id)).text, /Execution finished/);
    sim.reloads.finish(id);
    assert.match((await logOf(DEMO_APPS.finance, id)).text, /Execution finished/);
  });

  it('answers 404 for an unknown reload, or a reload of another app', async () => {
    const { id } = await startReload(sim, { appId: DEMO_APPS.marketing });
    assert.equal((await logOf(DEMO_APPS.marketing, '000000000000000000000000')).status, 404);
    assert.equal((await logOf(DEMO_APPS.sales, id)).status, 404);
  });
});
