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

function butlerYaml(host: string, port: number, extra = ''): string {
  return `Butler:
  restServerConfig:
    enable: true
    serverHost: ${host}
    serverPort: ${port}
  restServerEndpointsEnable:
    butlerping: true
  keyValueStore:
    enable: false
  cert:
    clientCert: ${join(dir, 'certs/client.pem')}
    clientCertKey: ${join(dir, 'certs/client_key.pem')}
    clientCertCA: ${join(dir, 'certs/root.pem')}
  configQRS:
    host: 127.0.0.1
    port: 1
    retries: 0
${extra}`;
}

/** Lines the CLI printed that are not log lines (log lines start with a timestamp). */
function assertOneLineFailure(output: string, pattern: RegExp): void {
  const stderrLines = output.split('\n').filter((line) => line.startsWith('sense-task-gateway: '));
  assert.equal(stderrLines.length, 1, output);
  assert.match(stderrLines[0]!, pattern);
  assert.doesNotMatch(output, /\n\s+at /, 'no stack trace');
}

test('restServerConfig.enable: false (the untouched Butler template) exits non-zero, saying why', async () => {
  const path = await configIn(await newFolder('disabled'), butlerYaml('127.0.0.1', 8080).replace('enable: true', 'enable: false'));
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
  const path = await configIn(await newFolder('busy'), butlerYaml('127.0.0.1', port));
  const run = spawnTs(MAIN, ['-c', path]);
  assert.equal(await run.exited, 1, run.output());
  assertOneLineFailure(run.output(), new RegExp(`cannot listen on 127\\.0\\.0\\.1:${port} \\(Butler\\.restServerConfig\\.serverHost and serverPort\\): .*in use.*EADDRINUSE`));
});

test('an address the machine does not have: one line, exit 1', async () => {
  // 192.0.2.1 is TEST-NET-1: never assigned to a machine. Nothing is sent to it; binding fails.
  const path = await configIn(await newFolder('no-address'), butlerYaml('192.0.2.1', 8080));
  const run = spawnTs(MAIN, ['-c', path]);
  assert.equal(await run.exited, 1, run.output());
  assertOneLineFailure(run.output(), /cannot listen on 192\.0\.2\.1:8080 \(Butler\.restServerConfig\.serverHost and serverPort\): .*EADDRNOTAVAIL/);
});

test('a log folder that cannot be created is a one-line config error', async () => {
  const folder = await newFolder('bad-log');
  const aFile = join(folder, 'not-a-folder');
  await writeFile(aFile, 'x');
  const path = await configIn(folder, butlerYaml('127.0.0.1', 8080, `  fileLogging: true\n  logDirectory: ${join(aFile, 'logs')}\n`));
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
  const yaml = butlerYaml('127.0.0.1', port, '  fileLogging: true\n')
    .replace('  keyValueStore:\n    enable: false\n', '')
    .replace('    port: 1\n', `    port: ${qrs.port}\n    rejectUnauthorized: true\n`)
    .replace(join(dir, 'certs/client.pem'), qrs.clientCert)
    .replace(join(dir, 'certs/client_key.pem'), qrs.clientCertKey)
    .replace(join(dir, 'certs/root.pem'), qrs.clientCertCA);
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
  const path = await configIn(await newFolder('qrs-down'), butlerYaml('127.0.0.1', port));
  const run = spawnTs(MAIN, ['-c', path]);
  t.after(() => run.stop());
  await run.waitFor(/listening on/);
  const [warning] = await run.waitFor(/.*QRS at 127\.0\.0\.1:1 does not answer yet.*/);
  assert.match(warning, /warn/);
  const ping = await fetch(`http://127.0.0.1:${port}/v4/butlerping`);
  assert.equal(ping.status, 200);
});
