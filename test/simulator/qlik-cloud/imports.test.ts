import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { it } from 'node:test';

const SIMULATOR_DIR = fileURLToPath(new URL('../../../src/simulator/', import.meta.url));
const CLOUD_DIR = join(SIMULATOR_DIR, 'qlik-cloud');

it('the Qlik Cloud simulator imports nothing from src/ outside src/simulator/ (client and simulator share no bug)', () => {
  const files = readdirSync(CLOUD_DIR).filter((name) => name.endsWith('.ts'));
  assert.ok(files.length > 5);
  const strays: string[] = [];
  for (const file of files) {
    const source = readFileSync(join(CLOUD_DIR, file), 'utf8');
    for (const [, target = ''] of source.matchAll(/\bfrom\s+'([^']+)'/g)) {
      if (target.startsWith('node:')) continue;
      const resolved = target.startsWith('.') ? resolve(dirname(join(CLOUD_DIR, file)), target) : target;
      if (!resolved.startsWith(SIMULATOR_DIR)) strays.push(`${file} → ${target.startsWith('.') ? relative(SIMULATOR_DIR, resolved) : target}`);
    }
  }
  assert.deepEqual(strays, []);
});
