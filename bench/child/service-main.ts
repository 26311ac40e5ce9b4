/**
 * Child process: the real service (config loader, composition root, QRS client, key-value
 * store, logger) from a Butler YAML file, on a free loopback port. It logs as shipped (info:
 * one line per request, audit lines) to its stdout, which the bench points at /dev/null:
 * formatting and writing each line is part of what a request costs.
 * Usage: service-main.ts <butler-config.yaml>
 */
import { loadSettings } from '../../src/config/index.js';
import { createLogger } from '../../src/logging/index.js';
import { startService } from '../../src/service.js';
import { readVersion } from '../../src/version.js';
import { reportStartFailure, serveParent } from './serve-parent.js';

async function main(): Promise<void> {
  const configFile = process.argv[2];
  if (configFile === undefined) throw new Error('usage: service-main.ts <butler-config.yaml>');
  // No STG_* variables: the bench's YAML alone decides, whatever the caller's shell holds.
  const settings = loadSettings(configFile, { env: {} });
  // Butler configs need a fixed port (1-65535); the bench wants a free one.
  const onFreePort = { ...settings, server: { ...settings.server, host: '127.0.0.1', port: 0 } };
  const service = await startService(onFreePort, createLogger(settings.logging), readVersion());
  serveParent(service.url, () => service.close());
}

main().catch(reportStartFailure);
