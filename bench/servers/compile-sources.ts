import { mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

const PROJECT_ROOT = fileURLToPath(new URL('../../', import.meta.url));
/** Inside the project, so the service finds package.json and config/ as it does from dist/. */
const CACHE_DIR = join(PROJECT_ROOT, 'node_modules', '.cache', 'sense-task-gateway-bench');
const SOURCE_DIRS = ['src', join('bench', 'child')];

async function typeScriptFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true, recursive: true });
  return entries
    .filter((e) => e.isFile() && e.name.endsWith('.ts') && !e.name.endsWith('.d.ts'))
    .map((e) => join(e.parentPath, e.name));
}

/**
 * Transpiles the service's sources to JavaScript, file by file, as `npm run build` would
 * emit them (no type check: `npm run typecheck` does that). The bench then runs the
 * service as plain JavaScript, as in production: under tsx every function also goes
 * through esbuild's name-keeping helper, which is overhead production does not have.
 */
export interface CompiledChildren {
  service: string;
  baseline: string;
  bareHttp: string;
  /** Deletes the compiled files. */
  remove(): Promise<void>;
}

export async function compileServiceSources(): Promise<CompiledChildren> {
  // One folder per run: two runs at once must not overwrite each other's files.
  const outDir = join(CACHE_DIR, `run-${process.pid}`);
  await rm(outDir, { recursive: true, force: true });
  const files = (await Promise.all(SOURCE_DIRS.map((dir) => typeScriptFiles(join(PROJECT_ROOT, dir))))).flat();
  await Promise.all(
    files.map(async (file) => {
      const output = ts.transpileModule(await readFile(file, 'utf8'), {
        fileName: file,
        // The package is ESM ("type": "module"); a lone file cannot tell NodeNext that.
        compilerOptions: { module: ts.ModuleKind.ES2022, target: ts.ScriptTarget.ES2023, sourceMap: false },
      });
      const target = join(outDir, relative(PROJECT_ROOT, file)).replace(/\.ts$/, '.js');
      await mkdir(dirname(target), { recursive: true });
      await writeFile(target, output.outputText);
    }),
  );
  return {
    service: join(outDir, 'bench', 'child', 'service-main.js'),
    baseline: join(outDir, 'bench', 'child', 'baseline-main.js'),
    bareHttp: join(outDir, 'bench', 'child', 'bare-http-main.js'),
    remove: () => rm(outDir, { recursive: true, force: true }),
  };
}
