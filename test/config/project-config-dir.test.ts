import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { projectConfigDir } from '../../src/config/project-config-dir.js';
import { ConfigError } from '../../src/errors.js';

const projectRoot = fileURLToPath(new URL('../../', import.meta.url));
const expected = path.join(projectRoot, 'config');

test('found from the source module (tsx) and from the compiled one (dist/src/config)', () => {
  assert.equal(projectConfigDir(), expected);
  assert.equal(projectConfigDir(pathToFileURL(path.join(projectRoot, 'src/config/load.ts')).href), expected);
  assert.equal(projectConfigDir(pathToFileURL(path.join(projectRoot, 'dist/src/config/load.js')).href), expected);
});

test('a module with no config/default.yaml above it gets a ConfigError', (t) => {
  const dir = mkdtempSync(path.join(tmpdir(), 'stg-nowhere-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  assert.throws(
    () => projectConfigDir(pathToFileURL(path.join(dir, 'dist/src/config/load.js')).href),
    (error: unknown) => error instanceof ConfigError && /cannot find the service's config\/default\.yaml/.test(error.message),
  );
});
