/** Butler YAML files written for one test, and the problems a refused file reports. */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { TestContext } from 'node:test';
import { ConfigValidationError } from '../../src/config/index.js';

/** A config file holding `Butler:` and `lines` (already indented under it), removed after the test. */
export function writeButlerConfig(t: TestContext, lines: string[]): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'stg-config-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const file = path.join(dir, 'config.yaml');
  writeFileSync(file, ['Butler:', ...lines].join('\n'));
  return file;
}

/** The messages of the ConfigValidationError `run` throws; fails the test when it throws none. */
export function problemsOf(run: () => unknown): string[] {
  try {
    run();
  } catch (error) {
    assert.ok(error instanceof ConfigValidationError, String(error));
    return error.problems.map((problem) => problem.message);
  }
  return assert.fail('expected the settings to be refused');
}
