import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { DEMO_FIXTURE_PATH, FixtureError, loadFixture, type SimTask } from '../../src/simulator/index.js';

describe('demo fixture', () => {
  const tasks = loadFixture(DEMO_FIXTURE_PATH);
  const withTag = (tag: string) => tasks.filter((t) => t.tags.includes(tag)).map((t) => t.name);
  const withCp = (name: string, value: string) =>
    tasks.filter((t) => t.customProperties.some((cp) => cp.name === name && cp.value === value)).map((t) => t.name);

  it('starts with the five tasks of the reference document, in order', () => {
    assert.deepEqual(
      tasks.slice(0, 5).map((t) => [t.id, t.name]),
      [
        ['e3b27f50-b1c0-4879-88fc-c7cdd9c1cf3e', 'Reload task of App1'],
        ['7552d9fc-d1bb-4975-9a38-18357de531ea', 'Reload task of App2'],
        ['fb0f317d-da91-4b86-aafa-0174ae1e8c8f', 'Reload task of App3'],
        ['fbf645f0-0c92-40a4-af9a-6e3eb1d3c35c', 'Reload Operations Monitor'],
        ['8b4fe424-d90c-493f-a61d-0ce91cd485c9', 'Reload task of Sales dashboard'],
      ],
    );
  });

  it('puts the reference tags and custom properties on App1-3 only', () => {
    const apps = ['Reload task of App1', 'Reload task of App2', 'Reload task of App3'];
    assert.deepEqual(withTag('startTask1'), apps);
    assert.deepEqual(withTag('startTask2'), ['Reload task of App3']);
    assert.deepEqual(withCp('taskGroup', 'tasks1'), apps);
    assert.deepEqual(withCp('taskGroup', 'tasks2'), ['Reload task of App2']);
    assert.deepEqual(tasks[3]?.tags, []);
    assert.deepEqual(tasks[4]?.tags, ['nightly']);
  });

  it('has the extra tasks that make filters really filter', () => {
    assert.ok(tasks.length >= 11);
    assert.ok(tasks.some((t) => !t.enabled && t.tags.includes('disabledDemo')));
    assert.ok(tasks.some((t) => t.taskType === 1));
    assert.ok(tasks.some((t) => t.tags.includes('StartTask1Extra')));
    const special = tasks.flatMap((t) => [...t.tags, ...t.customProperties.map((cp) => cp.value)]).join('');
    for (const ch of ["'", '&', '#', '%', '/', '?', ' ', 'ö']) assert.ok(special.includes(ch), `a value contains ${ch}`);
    assert.ok(
      tasks.some(
        (t) =>
          t.customProperties.some((cp) => cp.name === 'dept' && cp.value === 'finance') &&
          t.customProperties.some((cp) => cp.name === 'costCenter' && cp.value === 'sales'),
      ),
    );
  });
});

describe('loadFixture', () => {
  let dir: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'stg-fixture-test-'));
  });
  after(() => rm(dir, { recursive: true, force: true }));

  const valid: SimTask = {
    id: 'A1B2C3D4-0000-4000-8000-000000000001',
    name: 'Only task',
    taskType: 0,
    enabled: true,
    tags: ['x'],
    customProperties: [{ name: 'n', value: 'v' }],
  };

  async function fixtureFile(name: string, content: unknown): Promise<string> {
    const path = join(dir, name);
    await writeFile(path, typeof content === 'string' ? content : JSON.stringify(content));
    return path;
  }

  it('reads a valid file and lower-cases ids', async () => {
    const [task] = loadFixture(await fixtureFile('valid.json', [valid]));
    assert.deepEqual(task, { ...valid, id: valid.id.toLowerCase() });
  });

  const invalid: [string, unknown, RegExp][] = [
    ['not JSON', '[{', /JSON|Unexpected|Expected/],
    ['not an array', { tasks: [] }, /JSON array/],
    ['a bad id', [{ ...valid, id: 'abc123' }], /id must be a GUID/],
    ['a bad taskType', [{ ...valid, taskType: 7 }], /taskType/],
    ['tags not strings', [{ ...valid, tags: [1] }], /tags/],
    ['custom property without value', [{ ...valid, customProperties: [{ name: 'n' }] }], /customProperties/],
    ['a duplicate id', [valid, { ...valid, name: 'Twin' }], /duplicate task id/],
  ];
  for (const [why, content, message] of invalid) {
    it(`rejects a file with ${why}`, async () => {
      const path = await fixtureFile(`${why.replace(/\W+/g, '-')}.json`, content);
      assert.throws(() => loadFixture(path), (err: unknown) => {
        assert.ok(err instanceof FixtureError);
        assert.match(err.message, message);
        assert.ok(err.message.includes(path), 'names the file');
        return true;
      });
    });
  }
});
