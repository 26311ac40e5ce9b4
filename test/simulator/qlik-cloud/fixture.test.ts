import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { DEMO_CLOUD_FIXTURE_PATH, FixtureError, loadCloudFixture } from '../../../src/simulator/qlik-cloud/index.js';

describe('Qlik Cloud simulator fixtures', () => {
  let dir: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'stg-cloud-fixture-'));
  });
  after(() => rm(dir, { recursive: true, force: true }));

  async function load(content: unknown): Promise<ReturnType<typeof loadCloudFixture>> {
    const path = join(dir, 'apps.json');
    await writeFile(path, typeof content === 'string' ? content : JSON.stringify(content));
    return loadCloudFixture(path);
  }

  it('loads the demo fixture: apps sharing tags, tag names with awkward characters, a failing app', () => {
    const apps = loadCloudFixture(DEMO_CLOUD_FIXTURE_PATH);
    assert.ok(apps.length >= 5);
    const tags = apps.flatMap((app) => app.tags);
    assert.ok(tags.some((tag) => /[ ,&"%/+]/.test(tag)), 'awkward tag names');
    assert.ok(new Set(tags).size < tags.length, 'shared tags');
    assert.ok(apps.some((app) => app.fails === true));
  });

  it('lower-cases app ids and keeps optional fields', async () => {
    const [app] = await load([{ id: 'A0000000-0000-4000-8000-00000000000A', name: 'X', tags: ['t'], reloadMs: 5, fails: false, scriptLogLines: 3 }]);
    assert.deepEqual(app, { id: 'a0000000-0000-4000-8000-00000000000a', name: 'X', tags: ['t'], reloadMs: 5, fails: false, scriptLogLines: 3 });
  });

  it('refuses a fixture that is not an array of valid apps with unique ids, naming the problem', async () => {
    const good = { id: 'a0000000-0000-4000-8000-00000000000a', name: 'X', tags: [] };
    const cases: [unknown, RegExp][] = [
      ['{', /Invalid simulator fixture/],
      [{}, /JSON array of apps/],
      [[{ ...good, id: 'app-1' }], /id must be a GUID/],
      [[{ ...good, name: '' }], /name must be/],
      [[{ ...good, tags: [''] }], /tags must be/],
      [[{ ...good, reloadMs: -1 }], /reloadMs must be/],
      [[{ ...good, fails: 'yes' }], /fails must be/],
      [[{ ...good, spaceId: 'space' }], /spaceId must be/],
      [[good, good], /duplicate app id/],
    ];
    for (const [content, message] of cases) {
      await assert.rejects(load(content), (err: unknown) => err instanceof FixtureError && message.test(err.message));
    }
  });
});
