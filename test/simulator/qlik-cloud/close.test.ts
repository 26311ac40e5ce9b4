import assert from 'node:assert/strict';
import { Agent, request } from 'node:http';
import { describe, it } from 'node:test';
import { SIM_API_KEY } from '../../../src/simulator/qlik-cloud/index.js';
import { waitUntil } from '../../helpers/wait.js';
import { DEMO_APPS, startReload, startTestCloudSimulator } from './cloud-request.js';

describe('Qlik Cloud simulator shutdown', () => {
  it('closes with a keep-alive client connected and reloads running, and sends nothing afterwards', async (t) => {
    const sim = await startTestCloudSimulator({ reloadMs: 50, webhookUrl: 'http://127.0.0.1:9/never' });
    const agent = new Agent({ keepAlive: true });
    t.after(() => agent.destroy());
    const status = await new Promise<number>((resolve, reject) => {
      const req = request(`${sim.url}/api/v1/items`, { agent, headers: { authorization: `Bearer ${SIM_API_KEY}` } }, (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      });
      req.on('error', reject);
      req.end();
    });
    assert.equal(status, 200);
    const { id } = await startReload(sim, { appId: DEMO_APPS.sales });
    await sim.close();
    await sim.close();
    const reload = sim.reloads.get(id);
    await waitUntil(() => Date.now() > (reload?.creationTime ?? 0) + 50, "the reload's run time to pass");
    assert.ok(['QUEUED', 'RELOADING'].includes(sim.reloads.get(id)?.status ?? ''), 'the reload stays where it was at close');
    assert.deepEqual(sim.stats.webhookDeliveries, []);
  });
});
