import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, afterEach, before, describe, it } from 'node:test';
import { MAX_VARIABLE_LENGTH, MAX_VARIABLES, type RunningQlikCloudSimulator } from '../../../src/simulator/qlik-cloud/index.js';
import { waitUntil } from '../../helpers/wait.js';
import { cloudRequest, DEMO_APPS, errorCodeOf, jsonOf, startReload, startTestCloudSimulator, type ReloadJson } from './cloud-request.js';

describe('Qlik Cloud simulator reloads', () => {
  let sim: RunningQlikCloudSimulator;
  before(async () => {
    sim = await startTestCloudSimulator();
  });
  after(() => sim.close());
  afterEach(() => {
    // End whatever a test left running, so the next one may start the same app.
    for (const reload of sim.reloads.all()) sim.reloads.finish(reload.id);
    Object.assign(sim.hooks, { reloadMs: 0, queuedMs: 0, pendingRetryAfterSeconds: null });
    sim.hooks.endStatusByAppId.clear();
    sim.stats.reset();
  });

  const post = (body: unknown) => cloudRequest(sim, { method: 'POST', path: '/api/v1/reloads', body });
  const read = async (id: string): Promise<ReloadJson> => {
    const answer = await cloudRequest(sim, { path: `/api/v1/reloads/${id}` });
    assert.equal(answer.status, 200, answer.text);
    return jsonOf<ReloadJson>(answer);
  };

  it('creates a QUEUED reload (201), records its variables and partial, and ends it SUCCEEDED with a log', async () => {
    const variables = { vRegion: 'EMEA & APAC', 'v Date': '2024-05-14' };
    const created = await startReload(sim, { appId: DEMO_APPS.sales, partial: true, variables });
    assert.equal(created.status, 'QUEUED');
    assert.equal(created.appId, DEMO_APPS.sales);
    assert.equal(created.partial, true);
    assert.match(created.id, /^[0-9a-f]{24}$/);
    assert.deepEqual(sim.stats.reloadsCreated.map(({ reloadId, appId, partial, variables: v }) => ({ reloadId, appId, partial, v })), [
      { reloadId: created.id, appId: DEMO_APPS.sales, partial: true, v: variables },
    ]);
    const ended = await read(created.id);
    assert.equal(ended.status, 'SUCCEEDED');
    assert.ok(ended.startTime !== undefined && ended.endTime !== undefined);
    assert.match(ended.log ?? '', /finished successfully/);
  });

  it('moves QUEUED → RELOADING → final on time: queuedMs, then the app reloadMs', async () => {
    Object.assign(sim.hooks, { queuedMs: 40, reloadMs: 80 });
    const created = await startReload(sim, { appId: DEMO_APPS.sales });
    const seen: string[] = [];
    await waitUntil(async () => {
      const { status } = await read(created.id);
      if (seen.at(-1) !== status) seen.push(status);
      return status === 'SUCCEEDED';
    }, () => `SUCCEEDED (seen: ${seen.join(' → ')})`);
    const lifecycle = ['QUEUED', 'RELOADING', 'SUCCEEDED'];
    assert.deepEqual(seen, lifecycle.filter((status) => seen.includes(status)), 'statuses only move forward');
    const ended = await read(created.id);
    const [creation, start, end] = [ended.creationTime, ended.startTime, ended.endTime].map((time) => Date.parse(time ?? ''));
    assert.equal(start, (creation ?? 0) + 40, 'startTime is creationTime + queuedMs');
    assert.equal(end, (start ?? 0) + 80, 'endTime is startTime + reloadMs');
  });

  it('keeps a reload QUEUED or RELOADING for as long as told, and finish() ends it now', async () => {
    sim.hooks.queuedMs = Infinity;
    const queued = await startReload(sim, { appId: DEMO_APPS.sales });
    assert.equal((await read(queued.id)).status, 'QUEUED');
    Object.assign(sim.hooks, { queuedMs: 0, reloadMs: Infinity });
    const reloading = await startReload(sim, { appId: DEMO_APPS.finance });
    assert.equal((await read(reloading.id)).status, 'RELOADING');
    assert.equal(sim.reloads.finish(reloading.id), true);
    assert.equal((await read(reloading.id)).status, 'SUCCEEDED');
    assert.equal(sim.reloads.finish(reloading.id), false, 'an ended reload stays as it ended');
    assert.equal(sim.reloads.finish(queued.id, 'EXCEEDED_LIMIT'), true);
    assert.equal((await read(queued.id)).status, 'EXCEEDED_LIMIT');
  });

  it('ends reloads of failing apps FAILED with an error, and as hooks.endStatusByAppId says', async () => {
    const failed = await read((await startReload(sim, { appId: DEMO_APPS.broken })).id);
    assert.equal(failed.status, 'FAILED');
    assert.ok(failed.errorCode !== undefined);
    assert.match(failed.log ?? '', /Reload failed/);
    sim.hooks.endStatusByAppId.set(DEMO_APPS.sales, 'EXCEEDED_LIMIT');
    assert.equal((await read((await startReload(sim, { appId: DEMO_APPS.sales })).id)).status, 'EXCEEDED_LIMIT');
  });

  it('refuses bad bodies with 400 and unknown apps with 404, creating nothing', async () => {
    const long = 'x'.repeat(MAX_VARIABLE_LENGTH + 1);
    const tooMany = Object.fromEntries(Array.from({ length: MAX_VARIABLES + 1 }, (_, i) => [`v${i}`, 'x']));
    const bad: [unknown, number][] = [
      ['not json', 400],
      [[DEMO_APPS.sales], 400],
      [{}, 400],
      [{ appId: 42 }, 400],
      [{ appId: DEMO_APPS.sales, partial: 'yes' }, 400],
      [{ appId: DEMO_APPS.sales, variables: ['a'] }, 400],
      [{ appId: DEMO_APPS.sales, variables: tooMany }, 400],
      [{ appId: DEMO_APPS.sales, variables: { [long]: 'x' } }, 400],
      [{ appId: DEMO_APPS.sales, variables: { v: long } }, 400],
      [{ appId: DEMO_APPS.sales, variables: { v: 1 } }, 400],
      [{ appId: DEMO_APPS.sales, weight: 11 }, 400],
      [{ appId: randomUUID() }, 404],
      [{ appId: DEMO_APPS.sales.toUpperCase() }, 404],
    ];
    for (const [body, status] of bad) {
      const answer = await post(body);
      assert.equal(answer.status, status, `${JSON.stringify(body).slice(0, 80)}: ${answer.text}`);
      assert.ok((jsonOf<{ errors: { detail: string }[] }>(answer).errors[0]?.detail ?? '') !== '', 'the error says what is wrong');
    }
    assert.deepEqual(sim.stats.reloadsCreated, []);
  });

  it(`accepts ${MAX_VARIABLES} variables whose names and values are ${MAX_VARIABLE_LENGTH} characters`, async () => {
    const edge = 'ä'.repeat(MAX_VARIABLE_LENGTH - 3);
    const variables = Object.fromEntries(Array.from({ length: MAX_VARIABLES }, (_, i) => [`${edge}${String(i).padStart(3, '0')}`, `${edge}end`]));
    await startReload(sim, { appId: DEMO_APPS.sales, variables });
    assert.deepEqual(sim.stats.reloadsCreated[0]?.variables, variables);
  });

  it('answers 429 RELOADS-007 without Retry-After while a reload of the app is pending, starting nothing', async () => {
    sim.hooks.reloadMs = Infinity;
    const first = await startReload(sim, { appId: DEMO_APPS.sales });
    const second = await post({ appId: DEMO_APPS.sales });
    assert.equal(second.status, 429);
    assert.equal(errorCodeOf(second), 'RELOADS-007');
    assert.equal(second.headers['retry-after'], undefined);
    sim.hooks.pendingRetryAfterSeconds = 1;
    assert.equal((await post({ appId: DEMO_APPS.sales })).headers['retry-after'], '1', 'the hook adds one, as a stub of Kestra does');
    await startReload(sim, { appId: DEMO_APPS.finance });
    assert.equal(sim.stats.reloadsCreated.length, 2, 'another app is not blocked');
    sim.reloads.finish(first.id);
    await startReload(sim, { appId: DEMO_APPS.sales });
  });

  it('answers 404 for an unknown reload id', async () => {
    assert.equal((await cloudRequest(sim, { path: '/api/v1/reloads/000000000000000000000000' })).status, 404);
  });

  it('cancels a QUEUED reload at once (204), a RELOADING one via CANCELING (202), an ended one not (409)', async () => {
    sim.hooks.queuedMs = Infinity;
    const queued = await startReload(sim, { appId: DEMO_APPS.sales });
    const cancel = (id: string) => cloudRequest(sim, { method: 'POST', path: `/api/v1/reloads/${id}/actions/cancel` });
    assert.equal((await cancel(queued.id)).status, 204);
    assert.equal((await read(queued.id)).status, 'CANCELED');
    Object.assign(sim.hooks, { queuedMs: 0, reloadMs: Infinity });
    const running = await startReload(sim, { appId: DEMO_APPS.finance });
    assert.equal((await cancel(running.id)).status, 202);
    assert.equal((await read(running.id)).status, 'CANCELED');
    assert.equal((await cancel(running.id)).status, 409);
    assert.equal((await cancel('000000000000000000000000')).status, 404);
  });
});

describe('Qlik Cloud simulator reload list', () => {
  let sim: RunningQlikCloudSimulator;
  let ids: string[];
  before(async () => {
    sim = await startTestCloudSimulator();
    ids = [];
    // Three of Sales (ended before the next starts), one of the failing app.
    for (const appId of [DEMO_APPS.sales, DEMO_APPS.sales, DEMO_APPS.broken, DEMO_APPS.sales]) {
      const { id } = await startReload(sim, { appId, partial: ids.length === 1 });
      sim.reloads.finish(id);
      ids.push(id);
    }
  });
  after(() => sim.close());

  const list = async (query: string): Promise<{ data: ReloadJson[]; links: { next?: { href: string } } }> => {
    const answer = await cloudRequest(sim, { path: `/api/v1/reloads?${query}` });
    assert.equal(answer.status, 200, answer.text);
    return jsonOf(answer);
  };

  it("lists an app's reloads newest first, without log unless log=true", async () => {
    const { data } = await list(`appId=${DEMO_APPS.sales}`);
    assert.deepEqual(data.map((reload) => reload.id), [ids[3], ids[1], ids[0]]);
    assert.ok(data.every((reload) => reload.log === undefined));
    assert.ok((await list(`appId=${DEMO_APPS.sales}&log=true`)).data.every((reload) => reload.log !== undefined));
    const oldestFirst = await list(`appId=${DEMO_APPS.sales}&sort=%2BcreationTime`);
    assert.deepEqual(oldestFirst.data.map((reload) => reload.id), [ids[0], ids[1], ids[3]]);
  });

  it('pages with limit and links.next.href', async () => {
    const first = await list(`appId=${DEMO_APPS.sales}&limit=2&sort=-creationTime`);
    assert.deepEqual(first.data.map((reload) => reload.id), [ids[3], ids[1]]);
    const next = first.links.next?.href;
    assert.ok(next !== undefined);
    const second = jsonOf<{ data: ReloadJson[]; links: { next?: unknown } }>(await cloudRequest(sim, { path: next }));
    assert.deepEqual(second.data.map((reload) => reload.id), [ids[0]]);
    assert.equal(second.links.next, undefined);
  });

  it('filters with SCIM eq on status and partial, and by the partial parameter', async () => {
    assert.deepEqual((await list(`appId=${DEMO_APPS.broken}&filter=${encodeURIComponent('status eq "FAILED"')}`)).data.map((r) => r.id), [ids[2]]);
    assert.deepEqual((await list(`appId=${DEMO_APPS.sales}&filter=${encodeURIComponent('partial eq true')}`)).data.map((r) => r.id), [ids[1]]);
    assert.equal((await list(`appId=${DEMO_APPS.sales}&partial=false`)).data.length, 2);
  });

  it('refuses an unknown sort or filter with 400', async () => {
    for (const query of ['sort=name', `filter=${encodeURIComponent('appId eq "x"')}`, `filter=${encodeURIComponent('status ne "FAILED"')}`]) {
      assert.equal((await cloudRequest(sim, { path: `/api/v1/reloads?appId=${DEMO_APPS.sales}&${query}` })).status, 400, query);
    }
  });
});
