/**
 * What `npm ci` installs must run on every Node version package.json's `engines` accepts:
 * a package that declares a newer Node makes `npm ci` warn (EBADENGINE) and may use features
 * the oldest accepted Node lacks (cookie 2 and content-disposition 3 are ES modules that
 * only Node >= 20.19 can `require`; package.json overrides them to CommonJS versions).
 */
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { test } from 'node:test';
import semver from 'semver';

interface LockedPackage {
  version?: string;
  engines?: Record<string, string> | string[];
}

async function readJson<T>(name: string): Promise<T> {
  return JSON.parse(await readFile(new URL(`../${name}`, import.meta.url), 'utf8')) as T;
}

test('every locked package accepts the oldest and the newest Node that engines allows here', async () => {
  const manifest = await readJson<{ engines: { node: string } }>('package.json');
  const lock = await readJson<{ packages: Record<string, LockedPackage> }>('package-lock.json');
  const oldest = semver.minVersion(manifest.engines.node);
  assert.ok(oldest, `engines.node ${manifest.engines.node} has a lowest version`);
  const nodeVersions = [oldest.version, process.versions.node];

  const refused: string[] = [];
  for (const [path, entry] of Object.entries(lock.packages)) {
    const range = !Array.isArray(entry.engines) ? entry.engines?.node : undefined;
    if (path === '' || range === undefined) continue;
    for (const version of nodeVersions) {
      if (!semver.satisfies(version, range)) {
        refused.push(`${path}@${entry.version} wants node ${range}, refuses ${version}`);
      }
    }
  }
  assert.deepEqual(refused, []);
});
