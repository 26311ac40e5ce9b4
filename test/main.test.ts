import assert from 'node:assert/strict';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { before, test } from 'node:test';
import { generateCertBundle, writeCertBundle } from '../src/simulator/index.js';
import { minimalButlerYaml, type MinimalButlerOptions } from './helpers/butler-yaml.js';
import { listeningUrl, spawnTs } from './helpers/process.js';
import { startTestSimulator } from './helpers/simulator.js';
import { waitUntil } from './helpers/wait.js';

const MAIN = 'src/main.ts';
let dir: string;

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'stg-main-'));
  await writeCertBundle(join(dir, 'certs'), await generateCertBundle());
});

async function configFile(name: string, body: string): Promise<string> {
  const path = join(dir, name);
  await writeFile(path, body);
  return path;
}

/** A Butler file listening on a port the system picks (0); read it with listeningUrl. */
type ButlerYamlOptions = Pick<MinimalButlerOptions, 'restServerConfig' | 'endpoints' | 'extra'>;

function butlerYaml({ restServerConfig, endpoints, extra }: ButlerYamlOptions = {}): string {
  return minimalButlerYaml({
    port: 0,
    certDir: 'certs',
    restServerConfig: { backgroundServerPort: 8081, ...restServerConfig },
    endpoints: { butlerping: true, apiListEnabledEndpoints: true, keyValueStore: false, senseStartTask: false, ...endpoints },
    extra: { logLevel: 'info', ...extra },
  });
}

test('--version and --help answer and exit 0', async () => {
  const version = spawnTs(MAIN, ['--version']);
  assert.equal(await version.exited, 0);
  assert.match(version.output(), /^\d+\.\d+\.\d+/);
  const help = spawnTs(MAIN, ['--help']);
  assert.equal(await help.exited, 0);
  assert.match(help.output(), /--configfile/);
  assert.match(help.output(), /--loglevel/);
});

test('without --configfile the CLI says so and exits non-zero', async () => {
  const run = spawnTs(MAIN, []);
  assert.notEqual(await run.exited, 0);
  assert.match(run.output(), /configfile/);
});

test('a missing config file exits non-zero with a message naming the file', async () => {
  const missing = join(dir, 'nope.yaml');
  const run = spawnTs(MAIN, ['-c', missing]);
  assert.equal(await run.exited, 1);
  assert.ok(run.output().includes(missing), run.output());
  assert.doesNotMatch(run.output(), /\n\s+at /, 'no stack trace for a config error');
});

test('a YAML syntax error exits non-zero naming the file', async () => {
  const path = await configFile('broken.yaml', 'Butler:\n  logLevel: info\n   restServerConfig: [\n');
  const run = spawnTs(MAIN, ['--configfile', path]);
  assert.equal(await run.exited, 1);
  assert.ok(run.output().includes(path), run.output());
});

test('a file that is not a Butler YAML file exits non-zero naming the file', async () => {
  const path = await configFile('binary.yaml', Buffer.from([0, 159, 146, 150, 0, 1]).toString('latin1'));
  const run = spawnTs(MAIN, ['-c', path]);
  assert.equal(await run.exited, 1);
  assert.ok(run.output().includes(path), run.output());
});

test('an invalid value exits non-zero naming the key path', async () => {
  const path = await configFile('bad-port.yaml', butlerYaml({ restServerConfig: { serverPort: 'eighty' } }));
  const run = spawnTs(MAIN, ['-c', path]);
  assert.equal(await run.exited, 1);
  assert.match(run.output(), /Butler\.restServerConfig\.serverPort/);
});

test('an invalid --loglevel exits non-zero', async () => {
  const path = await configFile('ok.yaml', butlerYaml());
  const run = spawnTs(MAIN, ['-c', path, '-l', 'chatty']);
  assert.notEqual(await run.exited, 0);
  assert.match(run.output(), /loglevel|chatty/i);
});

test('npm start path: serves ping and the documentation, says backgroundServerPort is unused, exits 0 on SIGTERM', async (t) => {
  const path = await configFile('serve.yaml', butlerYaml());
  const run = spawnTs(MAIN, ['-c', path]);
  t.after(() => run.stop());
  const base = await listeningUrl(run);
  assert.match(base, /^http:\/\/127\.0\.0\.1:[1-9]\d*$/, 'the log names the port the system picked');
  assert.match(run.output(), /backgroundServerPort.*unused/);
  const ping = await fetch(`${base}/v4/butlerping`);
  assert.equal(ping.status, 200);
  assert.equal(((await ping.json()) as { response: string }).response, 'Butler reporting for duty');
  const docs = await fetch(`${base}/documentation/`);
  assert.equal(docs.status, 200);
  run.child.kill('SIGTERM');
  assert.equal(await run.exited, 0);
  assert.match(run.output(), /shutdown complete/);
});

test('graceful shutdown: SIGTERM during a start request lets it finish, then exits 0', async (t) => {
  const { sim, certPaths, close } = await startTestSimulator();
  t.after(close);
  sim.hooks.latencyMs = 800;
  const path = await configFile(
    'inflight.yaml',
    butlerYaml({
      endpoints: { senseStartTask: true },
      extra: { configQRS: { host: '127.0.0.1', port: sim.port, rejectUnauthorized: true } },
    }),
  );
  const run = spawnTs(MAIN, ['-c', path], {
    STG_CLIENT_CERT: certPaths.clientCert,
    STG_CLIENT_CERT_KEY: certPaths.clientKey,
    STG_CLIENT_CERT_CA: certPaths.ca,
  });
  t.after(() => run.stop());
  const base = await listeningUrl(run);

  const response = fetch(`${base}/v4/reloadtask/e3b27f50-b1c0-4879-88fc-c7cdd9c1cf3e/start`, {
    method: 'PUT',
    headers: { 'content-type': 'application/json' },
    body: '[]',
  });
  await waitUntil(() => sim.stats.requests.length > 0, 'the start request to reach the simulator', { intervalMs: 20 });
  run.child.kill('SIGTERM');

  const res = await response;
  assert.equal(res.status, 200);
  const body = (await res.json()) as { tasksId: { started: { taskId: string }[] } };
  assert.deepEqual(body.tasksId.started.map((task) => task.taskId), ['e3b27f50-b1c0-4879-88fc-c7cdd9c1cf3e']);
  assert.deepEqual(sim.stats.starts, ['e3b27f50-b1c0-4879-88fc-c7cdd9c1cf3e']);
  assert.equal(await run.exited, 0, run.output());
  await assert.rejects(fetch(`${base}/health`), 'no longer listening');
});
