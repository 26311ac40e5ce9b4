import type { TestContext } from 'node:test';
import winston, { type Logger } from 'winston';
import type { QlikCloudTenantSettings } from '../../src/config/settings.js';
import type { QlikCloudCallMetrics } from '../../src/metrics/index.js';
import { createQlikCloudClient, type CloudClock, type QlikCloudClient } from '../../src/qlikcloud/index.js';
import { startQlikCloudSimulator, type QlikCloudSimulatorOptions, type RunningQlikCloudSimulator } from '../../src/simulator/qlik-cloud/index.js';

/** Credentials of the simulators these tests start: distinctive, so a leak into a log line is found. */
export const CLOUD_API_KEY = 'cloud-api-key-3f9a2c7e51d04b86';
export const CLOUD_CLIENT_ID = 'cloud-client-id-77e1';
export const CLOUD_CLIENT_SECRET = 'cloud-client-secret-c4d82b19ae03';

/** A Qlik Cloud simulator on 127.0.0.1:0 with the credentials above, closed after the test. */
export async function startCloudSimulator(t: Pick<TestContext, 'after'>, options: QlikCloudSimulatorOptions = {}): Promise<RunningQlikCloudSimulator> {
  const sim = await startQlikCloudSimulator({
    host: '127.0.0.1',
    port: 0,
    apiKey: CLOUD_API_KEY,
    clientId: CLOUD_CLIENT_ID,
    clientSecret: CLOUD_CLIENT_SECRET,
    ...options,
  });
  t.after(() => sim.close());
  return sim;
}

export interface CloudClientOptions {
  auth?: 'apiKey' | 'oauth';
  settings?: Partial<QlikCloudTenantSettings>;
  logger?: Logger;
  clock?: CloudClock;
  metrics?: QlikCloudCallMetrics;
}

export function cloudSettingsFor(sim: Pick<RunningQlikCloudSimulator, 'url'>, options: CloudClientOptions = {}): QlikCloudTenantSettings {
  return {
    tenantUrl: sim.url,
    credentials:
      options.auth === 'oauth'
        ? { kind: 'oauth', clientId: CLOUD_CLIENT_ID, clientSecret: CLOUD_CLIENT_SECRET }
        : { kind: 'apiKey', apiKey: CLOUD_API_KEY },
    timeoutMs: 5_000,
    maxRequestsPerMinute: 10_000,
    ...options.settings,
  };
}

/** A client of `sim` (silent unless a logger is given), closed after the test. */
export function cloudClientFor(t: Pick<TestContext, 'after'>, sim: Pick<RunningQlikCloudSimulator, 'url'>, options: CloudClientOptions = {}): QlikCloudClient {
  const client = createQlikCloudClient(cloudSettingsFor(sim, options), {
    logger: options.logger ?? winston.createLogger({ silent: true }),
    ...(options.clock === undefined ? {} : { clock: options.clock }),
    ...(options.metrics === undefined ? {} : { metrics: options.metrics }),
  });
  t.after(() => client.close());
  return client;
}
