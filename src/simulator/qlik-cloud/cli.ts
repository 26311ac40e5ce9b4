import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { DEMO_CLOUD_FIXTURE_PATH, loadCloudFixture } from './fixture.js';
import { runSimulatorCli } from '../cli-run.js';
import { SIM_API_KEY, SIM_CLIENT_ID, SIM_CLIENT_SECRET, startQlikCloudSimulator, type RunningQlikCloudSimulator } from './server.js';

const USAGE = [
  'usage: node --import tsx src/simulator/qlik-cloud/cli.ts [--port 0] [--host 127.0.0.1] [--fixture apps.json]',
  '  [--api-key key] [--client-id id] [--client-secret secret] [--reload-ms 5000]',
  '  [--webhook-url http://127.0.0.1:port/path] [--webhook-secret secret]',
].join('\n');

function wholeNumber(name: string, raw: string, max: number): number {
  const value = Number(raw);
  if (!/^\d+$/.test(raw) || value > max) throw new Error(`--${name} must be a whole number from 0 to ${max}, got ${raw}`);
  return value;
}

/** Runs the Qlik Cloud simulator by hand (plain HTTP: the service allows http:// for loopback tenants only). */
async function main(): Promise<RunningQlikCloudSimulator | undefined> {
  const { values } = parseArgs({
    options: {
      port: { type: 'string', default: '0' },
      host: { type: 'string', default: '127.0.0.1' },
      fixture: { type: 'string' },
      'api-key': { type: 'string', default: SIM_API_KEY },
      'client-id': { type: 'string', default: SIM_CLIENT_ID },
      'client-secret': { type: 'string', default: SIM_CLIENT_SECRET },
      'reload-ms': { type: 'string', default: '0' },
      'webhook-url': { type: 'string' },
      'webhook-secret': { type: 'string' },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    return undefined;
  }
  const port = wholeNumber('port', values.port, 65535);
  const reloadMs = wholeNumber('reload-ms', values['reload-ms'], 2 ** 31 - 1);
  const webhookUrl = values['webhook-url'];
  if (webhookUrl !== undefined && (!URL.canParse(webhookUrl) || new URL(webhookUrl).protocol !== 'http:')) throw new Error(`--webhook-url must be an http:// URL, got ${webhookUrl}`);
  const fixturePath = values.fixture === undefined ? DEMO_CLOUD_FIXTURE_PATH : resolve(values.fixture);
  const sim = await startQlikCloudSimulator({
    apps: loadCloudFixture(fixturePath),
    host: values.host,
    port,
    apiKey: values['api-key'],
    clientId: values['client-id'],
    clientSecret: values['client-secret'],
    reloadMs,
    ...(webhookUrl === undefined ? {} : { webhookUrl }),
    ...(values['webhook-secret'] === undefined ? {} : { webhookSecret: values['webhook-secret'] }),
  });
  process.stdout.write(
    [
      `Qlik Cloud simulator listening on ${sim.url} (apps from ${fixturePath})`,
      // The built-in credentials are the simulator's own; ones given on the command line are not printed.
      `API key: ${values['api-key'] === SIM_API_KEY ? SIM_API_KEY : 'as given by --api-key'}`,
      `OAuth client: ${values['client-id'] === SIM_CLIENT_ID && values['client-secret'] === SIM_CLIENT_SECRET ? `${SIM_CLIENT_ID} / ${SIM_CLIENT_SECRET}` : 'as given by --client-id / --client-secret'}`,
      webhookUrl === undefined ? 'webhooks: off' : `webhooks: reload-finished events to ${webhookUrl}`,
      '',
    ].join('\n'),
  );
  return sim;
}

runSimulatorCli(main);
