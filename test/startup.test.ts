/**
 * Start-up of the real CLI (src/main.ts as a child process): failures an operator can act
 * on are one line and exit 1, files land beside the config file, and the log says where
 * they are and whether QRS answers.
 */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { before, test } from 'node:test';
import { generateCertBundle, writeCertBundle } from '../src/simulator/index.js';
import { minimalButlerYaml, type MinimalButlerOptions } from './helpers/butler-yaml.js';
import { freePort, spawnTs } from './helpers/process.js';
import { qrsSettingsOf, startTestSimulator } from './helpers/simulator.js';

const MAIN = 'src/main.ts';
let dir: string;

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'stg-startup-'));
  await writeCertBundle(join(dir, 'certs'), await generateCertBundle());
});

async function configIn(folder: string, lines: string): Promise<string> {
  const path = join(folder, 'butler.yaml');
  await writeFile(path, lines);
  return path;
}

async function newFolder(name: string): Promise<string> {
  return mkdtemp(join(dir, `${name}-`));
}

/** A QRS nothing answers on, tried once: these tests are about start-up, not QRS calls. */
const UNREACHABLE_QRS = { host: '127.0.0.1', port: 1, retries: 0 };

function butlerYaml(options: Omit<MinimalButlerOptions, 'certDir'>): string {
  return minimalButlerYaml({ certDir: join(dir, 'certs'), ...options, extra: { configQRS: UNREACHABLE_QRS, ...options.extra } });
}

/** Lines the CLI printed that are not log lines (log lines start with a timestamp). */
function assertOneLineFailure(output: string, pattern: RegExp): void {
  const stderrLines = output.split('\n').filter((line) => line.startsWith('sense-task-gateway: '));
  assert.equal(stderrLines.length, 1, output);
  assert.match(stderrLines[0]!, pattern);
  assert.doesNotMatch(output, /\n\s+at /, 'no stack trace');
}

test('restServerConfig.enable: false (the untouched Butler template) exits non-zero, saying why', async () => {
  const path = await configIn(await newFolder('disabled'), butlerYaml({ port: 8080, restServerConfig: { enable: false } }));
  const run = spawnTs(MAIN, ['-c', path]);
  const code = await run.exited;
  assert.notEqual(code, 0, run.output());
  assert.match(run.output(), /Butler\.restServerConfig\.enable is false/);
});

test('a busy port: one line naming the address, the port and the config key; exit 1', async (t) => {
  const blocker = createServer();
  await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
  t.after(() => new Promise<void>((resolve) => blocker.close(() => resolve())));
  const { port } = blocker.address() as { port: number };
  const path = await configIn(await newFolder('busy'), butlerYaml({ port }));
  const run = spawnTs(MAIN, ['-c', path]);
  assert.equal(await run.exited, 1, run.output());
  assertOneLineFailure(run.output(), new RegExp(`cannot listen on 127\\.0\\.0\\.1:${port} \\(Butler\\.restServerConfig\\.serverHost and serverPort\\): .*in use.*EADDRINUSE`));
});

test('an address the machine does not have: one line, exit 1', async () => {
  // 192.0.2.1 is TEST-NET-1: never assigned to a machine. Nothing is sent to it; binding fails.
  const path = await configIn(await newFolder('no-address'), butlerYaml({ host: '192.0.2.1', port: 8080 }));
  const run = spawnTs(MAIN, ['-c', path]);
  assert.equal(await run.exited, 1, run.output());
  assertOneLineFailure(run.output(), /cannot listen on 192\.0\.2\.1:8080 \(Butler\.restServerConfig\.serverHost and serverPort\): .*EADDRNOTAVAIL/);
});

test('a log folder that cannot be created is a one-line config error', async () => {
  const folder = await newFolder('bad-log');
  const aFile = join(folder, 'not-a-folder');
  await writeFile(aFile, 'x');
  const yaml = butlerYaml({ port: 8080, extra: { fileLogging: true, logDirectory: join(aFile, 'logs') } });
  const path = await configIn(folder, yaml);
  const run = spawnTs(MAIN, ['-c', path]);
  assert.equal(await run.exited, 1, run.output());
  assertOneLineFailure(run.output(), new RegExp(`Butler\\.logDirectory: cannot create the log folder ${join(aFile, 'logs').replace(/[.]/g, '\\.')} \\(ENOTDIR\\)`));
});

test('default data paths land beside the config file; the log names them and what QRS answered', async (t) => {
  const simulator = await startTestSimulator();
  t.after(() => simulator.close());
  const qrs = qrsSettingsOf(simulator);
  const folder = await newFolder('defaults');
  const port = await freePort();
  const yaml = minimalButlerYaml({
    port,
    certDir: simulator.certPaths.dir,
    keyValueStore: true,
    extra: { fileLogging: true, configQRS: { host: '127.0.0.1', port: qrs.port, retries: 0, rejectUnauthorized: true } },
  });
  const path = await configIn(folder, yaml);
  const run = spawnTs(MAIN, ['-c', path]);
  t.after(() => run.stop());
  await run.waitFor(/listening on/);
  await run.waitFor(/QRS at 127\.0\.0\.1:\d+ (answers|does not answer)/);
  const output = run.output();
  assert.match(output, new RegExp(`QRS at 127\\.0\\.0\\.1:${qrs.port} answers, version \\S+`));
  const kvFile = join(folder, 'data', 'keyvalues.sqlite');
  const logFolder = join(folder, 'log');
  assert.ok(output.split('\n').some((line) => line.includes('info') && line.includes(`SQLite file ${kvFile}`)), output);
  assert.ok(output.split('\n').some((line) => line.includes('info') && line.includes(`log files in ${logFolder}`)), output);
  assert.ok(existsSync(kvFile), 'the SQLite file is beside the config file, not in the working directory');
  assert.ok(existsSync(logFolder));
});

test('QRS down at start-up: a warning with the reason, and the service serves anyway', async (t) => {
  const port = await freePort();
  const path = await configIn(await newFolder('qrs-down'), butlerYaml({ port }));
  const run = spawnTs(MAIN, ['-c', path]);
  t.after(() => run.stop());
  await run.waitFor(/listening on/);
  const [warning] = await run.waitFor(/.*QRS at 127\.0\.0\.1:1 does not answer yet.*/);
  assert.match(warning, /warn/);
  const ping = await fetch(`http://127.0.0.1:${port}/v4/butlerping`);
  assert.equal(ping.status, 200);
});
