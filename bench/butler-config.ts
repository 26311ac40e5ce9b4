import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import * as yaml from 'js-yaml';
import type { KvBackend } from '../src/config/settings.js';
import type { CertPaths } from '../src/simulator/index.js';

export interface BenchServiceConfig {
  /** File name inside `dir`. */
  name: string;
  dir: string;
  qrsPort: number;
  certs: CertPaths;
  backend: KvBackend;
  /** Needed when backend is redis. */
  redisUrl?: string;
  /** Butler.startTask.startConcurrency; the shipped default when unset. */
  startConcurrency?: number;
}

/**
 * The rate limit stays on, so its per-request cost is in the numbers, but so high that it
 * never refuses: one load generator is one client, and the shipped 6,000 per minute would
 * cap every scenario at 100 requests/s.
 */
const NEVER_REACHED_RATE_LIMIT = 1_000_000_000;

/**
 * Writes the Butler YAML file a bench service child loads, so the bench goes through the
 * same config loader and defaults as a user's file. Everything not set here keeps
 * config/default.yaml's value. The port is a placeholder: the child listens on a free one.
 */
export async function writeButlerConfig(config: BenchServiceConfig): Promise<string> {
  const document = {
    Butler: {
      fileLogging: false,
      restServerConfig: {
        enable: true,
        serverHost: '127.0.0.1',
        serverPort: 8080,
        backgroundServerPort: 8081,
        rateLimit: { maxPerMinute: NEVER_REACHED_RATE_LIMIT },
      },
      restServerEndpointsEnable: {
        senseStartTask: true,
        keyValueStore: true,
        butlerping: true,
        apiListEnabledEndpoints: true,
      },
      ...(config.startConcurrency !== undefined ? { startTask: { startConcurrency: config.startConcurrency } } : {}),
      keyValueStore: {
        enable: true,
        backend: config.backend,
        sqlite: { path: join(config.dir, `${config.name}.sqlite`) },
        ...(config.redisUrl !== undefined ? { redis: { url: config.redisUrl, keyPrefix: 'stg-bench' } } : {}),
      },
      configQRS: { host: '127.0.0.1', port: config.qrsPort, useSSL: true, rejectUnauthorized: true },
      cert: {
        clientCert: config.certs.clientCert,
        clientCertKey: config.certs.clientKey,
        clientCertCA: config.certs.ca,
      },
    },
  };
  const file = join(config.dir, `${config.name}.yaml`);
  await writeFile(file, yaml.dump(document));
  return file;
}
