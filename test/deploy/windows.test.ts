/**
 * The Windows deployment files (deploy/windows): the WinSW service definition starts the
 * service's real entry point with a config file, and the example config, with the QMC's
 * Windows certificate paths, loads through the service's own config loader. Plus the
 * Windows stop signals: Ctrl+C (SIGINT, what WinSW sends) and Ctrl+Break (SIGBREAK).
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path, { join } from 'node:path';
import { test } from 'node:test';
import { parseArgs } from '../../src/cli/index.js';
import { loadSettings } from '../../src/config/index.js';
import { ConfigError } from '../../src/errors.js';
import { generateCertBundle, writeCertBundle } from '../../src/simulator/index.js';
import { minimalButlerYaml } from '../helpers/butler-yaml.js';
import { freePort, PROJECT_ROOT } from '../helpers/process.js';
import { parseXml, type XmlElement } from './xml.js';

const WINDOWS_DIR = join(PROJECT_ROOT, 'deploy', 'windows');
const EXAMPLE_CONFIG = join(WINDOWS_DIR, 'butler-config.yaml');
const EXPORTED = 'C:\\ProgramData\\Qlik\\Sense\\Repository\\Exported Certificates\\sense-task-gateway';
/** Where docs/windows.md tells to copy the example config. */
const INSTALLED_CONFIG = 'C:\\ProgramData\\sense-task-gateway\\butler-config.yaml';

const child = (element: XmlElement, name: string): XmlElement => {
  const found = element.children.find((candidate) => candidate.name === name);
  assert.ok(found, `<${element.name}> has no <${name}>`);
  return found;
};

/** Splits a Windows command line as CommandLineToArgvW does for paths (no escaped quotes). */
function windowsArgv(commandLine: string): string[] {
  return [...commandLine.matchAll(/"([^"]*)"|(\S+)/g)].map((match) => match[1] ?? match[2]!);
}

function seconds(duration: string): number {
  const match = /^(\d+)\s*(ms|sec|min|hour)s?$/.exec(duration.trim());
  assert.ok(match, `not a WinSW duration: ${duration}`);
  return Number(match[1]) * { ms: 0.001, sec: 1, min: 60, hour: 3600 }[match[2] as 'ms' | 'sec' | 'min' | 'hour'];
}

test('the WinSW definition runs node on the built entry point with --configfile, and waits for a graceful stop', async () => {
  const service = parseXml(await readFile(join(WINDOWS_DIR, 'sense-task-gateway.xml'), 'utf8'));
  assert.equal(service.name, 'service');
  assert.equal(child(service, 'id').text.trim(), 'sense-task-gateway');
  assert.equal(path.win32.basename(child(service, 'executable').text.trim()).toLowerCase(), 'node.exe');

  const [entry, ...args] = windowsArgv(child(service, 'arguments').text.trim());
  const pkg = JSON.parse(await readFile(join(PROJECT_ROOT, 'package.json'), 'utf8')) as { bin: Record<string, string> };
  const builtEntry = Object.values(pkg.bin)[0]!.split('/').join('\\');
  assert.ok(path.win32.isAbsolute(entry!), `${entry} is absolute`);
  assert.ok(entry!.endsWith(`\\${builtEntry}`), `${entry} is the built entry point ${builtEntry}`);
  assert.deepEqual(parseArgs(args), { kind: 'run', configFile: INSTALLED_CONFIG });
  assert.ok(path.win32.isAbsolute(child(service, 'workingdirectory').text.trim()));

  const settings = loadSettings(EXAMPLE_CONFIG, { env: {} });
  const stopSeconds = seconds(child(service, 'stoptimeout').text);
  assert.ok(
    stopSeconds * 1000 > settings.server.shutdownTimeoutMs,
    `stoptimeout ${stopSeconds} s must exceed shutdownTimeoutMs ${settings.server.shutdownTimeoutMs} ms`,
  );
  assert.ok(service.children.some((c) => c.name === 'onfailure' && c.attributes.action === 'restart'));
  assert.equal(child(service, 'startmode').text.trim(), 'Automatic');
});

test('the Windows example config loads with the QMC export paths exactly as written', () => {
  const settings = loadSettings(EXAMPLE_CONFIG, { env: {} });
  assert.equal(settings.qrs.clientCert, `${EXPORTED}\\client.pem`);
  assert.equal(settings.qrs.clientCertKey, `${EXPORTED}\\client_key.pem`);
  assert.equal(settings.qrs.clientCertCA, `${EXPORTED}\\root.pem`);
  assert.equal(settings.qrs.rejectUnauthorized, true);
  assert.equal(settings.keyValueStore.sqlite.path, 'C:\\ProgramData\\sense-task-gateway\\data\\keyvalues.sqlite');
  assert.equal(settings.logging.directory, 'C:\\ProgramData\\sense-task-gateway\\log');
  assert.equal(settings.logging.fileLogging, true);
  assert.equal(settings.server.auth.enable, true);
});

test('Windows paths: doubled backslashes, forward slashes and UNC paths load; a bare backslash in double quotes is refused with a hint', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'stg-windows-config-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const example = await readFile(EXAMPLE_CONFIG, 'utf8');
  const variant = async (name: string, clientCert: string) => {
    const file = join(dir, name);
    await writeFile(file, example.replace(/clientCert: '[^']*'/, `clientCert: ${clientCert}`));
    return file;
  };

  const doubled = await variant('doubled.yaml', `"${EXPORTED.replaceAll('\\', '\\\\')}\\\\client.pem"`);
  assert.equal(loadSettings(doubled, { env: {} }).qrs.clientCert, `${EXPORTED}\\client.pem`);
  const plain = await variant('plain.yaml', `${EXPORTED}\\client.pem`);
  assert.equal(loadSettings(plain, { env: {} }).qrs.clientCert, `${EXPORTED}\\client.pem`);
  const forward = await variant('forward.yaml', 'C:/ProgramData/Qlik/client.pem');
  assert.equal(loadSettings(forward, { env: {} }).qrs.clientCert, 'C:/ProgramData/Qlik/client.pem');
  const unc = await variant('unc.yaml', `'\\\\fileserver\\qlik-certs\\client.pem'`);
  assert.equal(loadSettings(unc, { env: {} }).qrs.clientCert, '\\\\fileserver\\qlik-certs\\client.pem');
  const relative = await variant('relative.yaml', 'certs\\client.pem');
  assert.equal(loadSettings(relative, { env: {} }).qrs.clientCert, path.resolve(dir, 'certs\\client.pem'));

  const bare = await variant('bare.yaml', `"${EXPORTED}\\client.pem"`);
  assert.throws(
    () => loadSettings(bare, { env: {} }),
    (err: unknown) =>
      err instanceof ConfigError &&
      err.message.includes('bare.yaml') &&
      err.message.includes('unknown escape sequence') &&
      err.message.includes("write Windows paths plain or in 'single quotes'"),
  );
});

/** The exit code, or a failure naming what did not happen within 30 s. */
async function exitWithin30s(run: { exited: Promise<number | string>; output: () => string }, what: string) {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new Error(`the service did not exit within 30 s of ${what}:\n${run.output()}`)), 30_000);
  });
  try {
    return await Promise.race([run.exited, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

async function runMain(t: import('node:test').TestContext) {
  const dir = await mkdtemp(join(tmpdir(), 'stg-windows-signals-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  await writeCertBundle(join(dir, 'certs'), await generateCertBundle());
  const port = await freePort();
  const config = join(dir, 'butler.yaml');
  await writeFile(config, minimalButlerYaml({ port, certDir: 'certs' }));
  const preload = join(PROJECT_ROOT, 'test', 'deploy', 'fixtures', 'emit-signal-on-message.ts');
  const proc = spawn(process.execPath, ['--import', 'tsx', '--import', preload, 'src/main.ts', '-c', config], {
    cwd: PROJECT_ROOT,
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
  });
  let output = '';
  proc.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  proc.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | string>((resolve) => proc.once('exit', (code, signal) => resolve(code ?? signal ?? -1)));
  t.after(() => {
    if (proc.exitCode === null && proc.signalCode === null) proc.kill('SIGKILL');
  });
  const deadline = Date.now() + 30_000;
  while (!/listening on/.test(output)) {
    if (proc.exitCode !== null) throw new Error(`the service ended before listening:\n${output}`);
    if (Date.now() > deadline) throw new Error(`the service did not listen within 30 s:\n${output}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  const ping = await fetch(`http://127.0.0.1:${port}/v4/butlerping`);
  assert.equal(ping.status, 200);
  return { proc, exited, output: () => output };
}

test('Ctrl+C (SIGINT, how WinSW and NSSM stop a service) shuts down gracefully and exits 0', async (t) => {
  const run = await runMain(t);
  run.proc.kill('SIGINT');
  assert.equal(await exitWithin30s(run, 'SIGINT'), 0, run.output());
  assert.match(run.output(), /SIGINT received: finishing in-flight requests/);
  assert.match(run.output(), /shutdown complete/);
});

test('Ctrl+Break (SIGBREAK on Windows) shuts down gracefully and exits 0', async (t) => {
  const run = await runMain(t);
  run.proc.send('SIGBREAK');
  assert.equal(await exitWithin30s(run, 'SIGBREAK'), 0, run.output());
  assert.match(run.output(), /SIGBREAK received/);
  assert.match(run.output(), /shutdown complete/);
});
