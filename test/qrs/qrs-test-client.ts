import winston, { type Logger } from 'winston';
import type { QrsSettings } from '../../src/config/settings.js';
import { createQrsClient } from '../../src/qrs/index.js';
import type { QrsClient, QrsTask } from '../../src/qrs/types.js';
import type { CertPaths } from '../../src/simulator/index.js';
import type { TestSimulator } from '../helpers/simulator.js';

/** QrsSettings for a simulator on 127.0.0.1, with the bundle the simulator trusts. */
export function qrsSettingsFor(port: number, certPaths: CertPaths, overrides: Partial<QrsSettings> = {}): QrsSettings {
  return {
    enable: true,
    host: '127.0.0.1',
    port,
    useSSL: true,
    rejectUnauthorized: false,
    headers: [{ name: 'X-Qlik-User', value: 'UserDirectory=Internal;UserId=sa_repository' }],
    clientCert: certPaths.clientCert,
    clientCertKey: certPaths.clientKey,
    clientCertCA: certPaths.ca,
    timeoutMs: 5_000,
    retries: 0,
    filterQuoteEscape: 'backslash',
    maxIdsPerLookup: 100,
    maxUrlLength: 4000,
    maxSockets: 64,
    readinessCacheMs: 1_000,
    ...overrides,
  };
}

/** A client for `simulator`, closed by `t.after`; silent unless a logger is given. */
export function clientFor(
  t: { after(fn: () => Promise<void>): void },
  simulator: TestSimulator,
  overrides: Partial<QrsSettings> = {},
  logger: Logger = winston.createLogger({ silent: true }),
): QrsClient {
  const client = createQrsClient(qrsSettingsFor(simulator.sim.port, simulator.certPaths, overrides), { logger });
  t.after(() => client.close());
  return client;
}

/** findTasks for ids only. */
export async function tasksByIds(qrs: QrsClient, taskIds: readonly string[]): Promise<Map<string, QrsTask>> {
  return (await qrs.findTasks({ taskIds, tags: [], customProperties: [] })).byId;
}

/** findTasks for one tag. */
export async function tasksByTag(qrs: QrsClient, tag: string): Promise<QrsTask[]> {
  return (await qrs.findTasks({ taskIds: [], tags: [tag], customProperties: [] })).byTag[0] ?? [];
}

/** findTasks for one custom property value. */
export async function tasksByPair(qrs: QrsClient, name: string, value: string): Promise<QrsTask[]> {
  return (await qrs.findTasks({ taskIds: [], tags: [], customProperties: [{ name, value }] })).byCustomProperty[0] ?? [];
}
