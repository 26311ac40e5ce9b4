import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { ensureCertFiles, readCertBundle } from './certs.js';
import { DEMO_FIXTURE_PATH, loadFixture } from './fixture.js';
import { isScriptLogApi } from './hooks.js';
import { runSimulatorCli } from './cli-run.js';
import { startSimulator, type RunningSimulator } from './server.js';

const USAGE = 'usage: node --import tsx src/simulator/cli.ts --certs <dir> [--port 4242] [--host 127.0.0.1] [--fixture tasks.json] [--execution-ms 5000] [--failing-reloads id,id] [--script-log-api both|scriptlogfile|scriptlog]';

/** Runs the QRS simulator by hand; certificates are generated into --certs once, then reused. */
async function main(): Promise<RunningSimulator | undefined> {
  const { values } = parseArgs({
    options: {
      certs: { type: 'string' },
      port: { type: 'string', default: '4242' },
      host: { type: 'string', default: '127.0.0.1' },
      fixture: { type: 'string' },
      'execution-ms': { type: 'string', default: '0' },
      'failing-reloads': { type: 'string', default: '' },
      'script-log-api': { type: 'string', default: 'both' },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help || values.certs === undefined) {
    process.stdout.write(`${USAGE}\n`);
    process.exitCode = values.help ? 0 : 2;
    return undefined;
  }
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`--port must be 0-65535, got ${values.port}`);

  const executionMs = Number(values['execution-ms']);
  if (!Number.isInteger(executionMs) || executionMs < 0) throw new Error(`--execution-ms must be a whole number >= 0, got ${values['execution-ms']}`);
  const scriptLogApi = values['script-log-api'];
  if (!isScriptLogApi(scriptLogApi)) throw new Error(`--script-log-api must be both, scriptlogfile or scriptlog, got ${scriptLogApi}`);

  const certPaths = await ensureCertFiles(resolve(values.certs));
  const fixturePath = values.fixture === undefined ? DEMO_FIXTURE_PATH : resolve(values.fixture);
  const sim = await startSimulator({
    certs: await readCertBundle(certPaths),
    tasks: loadFixture(fixturePath),
    host: values.host,
    port,
  });
  sim.hooks.executionMs = executionMs;
  sim.hooks.scriptLogApi = scriptLogApi;
  for (const id of values['failing-reloads'].split(',')) if (id.trim() !== '') sim.hooks.failingReloadIds.add(id.trim());
  process.stdout.write(
    [
      `QRS simulator listening on ${sim.url} (tasks from ${fixturePath})`,
      `client cert: ${certPaths.clientCert}`,
      `client key:  ${certPaths.clientKey}`,
      `CA:          ${certPaths.ca}`,
      '',
    ].join('\n'),
  );
  return sim;
}

runSimulatorCli(main);
