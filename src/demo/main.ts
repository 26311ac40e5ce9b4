import { join } from 'node:path';
import { loadSettings } from '../config/index.js';
import { createLogger } from '../logging/index.js';
import { startService } from '../service.js';
import { ensureCertFiles, readCertBundle, startSimulator } from '../simulator/index.js';
import { projectRoot, readVersion } from '../version.js';

/**
 * `npm run demo`: the built-in QRS simulator plus the service in front of it, so the API can
 * be tried with no Qlik Sense server. Certificates are generated once into .demo/certs.
 */
async function runDemo(): Promise<void> {
  const root = projectRoot();
  const certPaths = await ensureCertFiles(join(root, '.demo', 'certs'));
  const simulator = await startSimulator({ certs: await readCertBundle(certPaths) });

  const settings = loadSettings(join(root, 'config', 'demo.yaml'), {
    env: { ...process.env, STG_QRS_HOST: '127.0.0.1', STG_QRS_PORT: String(simulator.port) },
  });
  const logger = createLogger(settings.logging);
  const service = await startService(settings, logger, readVersion()).catch(async (err: unknown) => {
    await simulator.close();
    throw err;
  });

  const url = service.url;
  process.stdout.write(
    [
      '',
      `QRS simulator (mutual TLS) on ${simulator.url}; sense-task-gateway on ${url}`,
      `Swagger UI: ${url}/documentation`,
      '',
      'Try (copy and paste):',
      `  curl -X PUT "${url}/v4/reloadtask/e3b27f50-b1c0-4879-88fc-c7cdd9c1cf3e/start" -H 'Content-Type: application/json' -d '[]'`,
      `  curl -X PUT "${url}/v4/reloadtask/-/start" -H 'Content-Type: application/json' -d '[{"type":"starttasktag","payload":{"tag":"startTask1"}}]'`,
      `  curl -X PUT "${url}/v4/reloadtask/fbf645f0-0c92-40a4-af9a-6e3eb1d3c35c/start" -H 'Content-Type: application/json' -d '[{"type":"keyvaluestore","payload":{"namespace":"MyFineNamespace","key":"AnImportantKey","value":"TheValue"}}]'`,
      `  curl "${url}/v4/keyvalues/MyFineNamespace?key=AnImportantKey"`,
      '',
      'A pair that expires by itself: add "ttl" in milliseconds (this one is gone after 60 s):',
      `  curl -X POST "${url}/v4/keyvalues/MyFineNamespace" -H 'Content-Type: application/json' -d '{"key":"Temporary","value":"soon gone","ttl":60000}'`,
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
    await simulator.close();
    process.exitCode = 0;
  };
  process.once('SIGINT', () => void stop('SIGINT'));
  process.once('SIGTERM', () => void stop('SIGTERM'));
}

runDemo().catch((err: unknown) => {
  process.stderr.write(`demo failed: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exitCode = 1;
});
