import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { projectRoot } from '../../src/version.js';
import { COLLECTION_FILE, ENVIRONMENT_FILE, generatePostmanFiles } from './files.js';

/** `npm run docs:postman`: regenerates the committed collection and environment. */
async function main(): Promise<void> {
  const root = projectRoot();
  const files = await generatePostmanFiles();
  await mkdir(dirname(join(root, COLLECTION_FILE)), { recursive: true });
  await writeFile(join(root, COLLECTION_FILE), files.collection);
  await writeFile(join(root, ENVIRONMENT_FILE), files.environment);
  process.stdout.write(`wrote ${COLLECTION_FILE} and ${ENVIRONMENT_FILE}\n`);
}

main().catch((err: unknown) => {
  process.stderr.write(`docs:postman failed: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exitCode = 1;
});
