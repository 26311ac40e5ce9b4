import { join } from 'node:path';
import { loadSettings } from '../config/index.js';
import { createLogger } from '../logging/index.js';
import { startService } from '../service.js';
import { ensureCertFiles, readCertBundle, startSimulator } from '../simulator/index.js';
import { startQlikCloudSimulator } from '../simulator/qlik-cloud/index.js';
import { projectRoot, readVersion } from '../version.js';
import { demoQlikCloudEnv } from './cloud-env.js';

/** Demo fixture ids the printed commands use (src/simulator/fixtures/demo.json, qlik-cloud/fixtures/demo.json). */
const QRS_APP1_TASK = 'e3b27f50-b1c0-4879-88fc-c7cdd9c1cf3e';
const QRS_MONITOR_TASK = 'fbf645f0-0c92-40a4-af9a-6e3eb1d3c35c';
/** "Reload task of Sales dashboard": moved to Qlik Cloud by config/demo.yaml's taskMap. */
const MOVED_TASK = '8b4fe424-d90c-493f-a61d-0ce91cd485c9';
const CLOUD_FINANCE_APP = '5a1e0c3b-7f2d-4c61-9b8e-2d4f6a8c0003';

/**
 * `npm run demo`: the built-in QRS simulator and Qlik Cloud simulator plus the service in front
 * of both, so the API can be tried with no Qlik Sense server and no Qlik Cloud tenant.
 * Certificates are generated once into .demo/certs.
 */
async function runDemo(): Promise<void> {
  const root = projectRoot();
  const certPaths = await ensureCertFiles(join(root, '.demo', 'certs'));
  const simulator = await startSimulator({ certs: await readCertBundle(certPaths) });
  const cloud = await startQlikCloudSimulator({ host: '127.0.0.1', port: 0 }).catch(async (err: unknown) => {
    await simulator.close();
    throw err;
  });
  const closeSimulators = async () => {
    await cloud.close();
    await simulator.close();
  };

  const settings = loadSettings(join(root, 'config', 'demo.yaml'), {
    env: {
      ...process.env,
      STG_QRS_HOST: '127.0.0.1',
      STG_QRS_PORT: String(simulator.port),
      ...demoQlikCloudEnv(cloud.url),
    },
  });
  const logger = createLogger(settings.logging);
  const service = await startService(settings, logger, readVersion()).catch(async (err: unknown) => {
    await closeSimulators();
    throw err;
  });

  const url = service.url;
  // The simulator sends its signed reload-finished events to the service, as a tenant would.
  const { qlikCloud } = settings;
  if (qlikCloud.enable && qlikCloud.webhook.enable) {
    cloud.hooks.webhookUrl = `${url}/v4/qlikcloud/webhook`;
    cloud.hooks.webhookSecret = qlikCloud.webhook.secret;
  }
  const json = `-H 'Content-Type: application/json'`;
  process.stdout.write(
    [
      '',
      `QRS simulator (mutual TLS) on ${simulator.url}; Qlik Cloud simulator on ${cloud.url}; sense-task-gateway on ${url}`,
      `Swagger UI: ${url}/documentation`,
      '',
      'Try (copy and paste):',
      `  curl -X PUT "${url}/v4/reloadtask/${QRS_APP1_TASK}/start" ${json} -d '[]'`,
      `  curl -X PUT "${url}/v4/reloadtask/-/start" ${json} -d '[{"type":"starttasktag","payload":{"tag":"startTask1"}}]'`,
      `  curl -X PUT "${url}/v4/reloadtask/${QRS_MONITOR_TASK}/start" ${json} -d '[{"type":"keyvaluestore","payload":{"namespace":"MyFineNamespace","key":"AnImportantKey","value":"TheValue"}}]'`,
      `  curl "${url}/v4/keyvalues/MyFineNamespace?key=AnImportantKey"`,
      '',
      'Wait until the reload has finished (the answer carries its final status):',
      `  curl -X PUT "${url}/v4/reloadtask/${QRS_APP1_TASK}/start?wait=true&timeoutSeconds=60" ${json} -d '[]'`,
      '',
      'Qlik Cloud, same API: an app by ID (with a reload variable), the apps of a collection (tag), and a',
      'client-managed task ID that config/demo.yaml\'s taskMap moved to Qlik Cloud:',
      `  curl -X PUT "${url}/v4/reloadtask/${CLOUD_FINANCE_APP}/start" ${json} -d '[{"type":"reloadvariable","payload":{"name":"vRegion","value":"EMEA"}}]'`,
      `  curl -X PUT "${url}/v4/reloadtask/-/start" ${json} -d '[{"type":"starttasktag","payload":{"tag":"Nightly reload"}}]'`,
      `  curl -X PUT "${url}/v4/reloadtask/${MOVED_TASK}/start" ${json} -d '[]'`,
      '',
      'Wait for a Qlik Cloud reload (its reload-finished webhook event ends the wait), then ask for a',
      'reload by the reloadId the start answered:',
      `  curl -X PUT "${url}/v4/reloadtask/${CLOUD_FINANCE_APP}/start?wait=true&timeoutSeconds=60" ${json} -d '[]'`,
      `  curl "${url}/v4/reloadtask/execution/<reloadId>"`,
      '',
      'A pair that expires by itself: add "ttl" in milliseconds (this one is gone after 60 s):',
      `  curl -X POST "${url}/v4/keyvalues/MyFineNamespace" ${json} -d '{"key":"Temporary","value":"soon gone","ttl":60000}'`,
      '',
      'Press Ctrl+C to stop.',
      '',
    ].join('\n'),
  );

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info(`${signal} received: stopping the demo`);
    await service.close();
    await closeSimulators();
    process.exitCode = 0;
  };
  process.once('SIGINT', () => void stop('SIGINT'));
  process.once('SIGTERM', () => void stop('SIGTERM'));
}

runDemo().catch((err: unknown) => {
  process.stderr.write(`demo failed: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exitCode = 1;
});
