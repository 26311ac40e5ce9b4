#!/usr/bin/env node
import closeWithGrace from 'close-with-grace';
import { parseArgs, usageText } from './cli/index.js';
import { loadSettings, redactedSettings } from './config/index.js';
import { ServiceError } from './errors.js';
import { closeLogger, createLogger } from './logging/index.js';
import { describeKvStore, describeLogFiles } from './startup-report.js';
import { startService } from './service.js';
import { readVersion } from './version.js';

/** The only module that reads argv and calls process.exit. */
/** Resolves to an exit code, or to undefined while the service keeps running. */
async function main(): Promise<number | undefined> {
  const args = parseArgs(process.argv.slice(2));
  if (args.kind === 'help') {
    process.stdout.write(usageText());
    return 0;
  }
  if (args.kind === 'version') {
    process.stdout.write(`${readVersion()}\n`);
    return 0;
  }
  if (args.kind === 'error') {
    process.stderr.write(`${args.message}\n\n${usageText()}`);
    return 2;
  }

  const settings = loadSettings(args.configFile, args.logLevel ? { logLevel: args.logLevel } : {});
  const logger = createLogger(settings.logging);
  const version = readVersion();
  logger.info(`sense-task-gateway ${version} starting with config file ${settings.configFile}`);
  logger.debug('effective configuration (secrets redacted)', { settings: redactedSettings(settings) });
  if (!settings.server.enable) {
    // Butler's untouched template: exiting 0 would look like a clean stop to a service manager.
    logger.error('Butler.restServerConfig.enable is false: there is nothing to serve; set it to true to start the REST API');
    await closeLogger(logger);
    return 1;
  }
  logger.info(`start-up: ${describeLogFiles(settings)}; ${describeKvStore(settings)}`);
  logger.info(
    `Butler.restServerConfig.backgroundServerPort (${settings.server.backgroundServerPort}) is accepted for ` +
      'compatibility and unused: method override is handled on the main port',
  );

  const service = await startService(settings, logger, version);
  logger.info(`REST API listening on ${service.url}, API documentation at ${service.url}/documentation`);
  const grace = closeWithGrace({ delay: settings.server.shutdownTimeoutMs }, async ({ signal, err }) => {
    if (err) logger.error(`shutting down after an unexpected error: ${err.stack ?? err.message}`);
    else logger.info(`${signal ?? 'shutdown'} received: finishing in-flight requests, then exiting`);
    await service.close();
    logger.info('shutdown complete');
    await closeLogger(logger);
  });
  // Windows: Ctrl+C (what WinSW and NSSM send to stop a service) arrives as SIGINT, which
  // closeWithGrace handles; Ctrl+Break arrives as SIGBREAK, which it does not.
  process.once('SIGBREAK', () => {
    logger.info('SIGBREAK received');
    grace.close();
  });
  return undefined;
}

main().then(
  (code) => {
    if (code !== undefined) process.exitCode = code;
  },
  (err: unknown) => {
    // Expected failures (bad config, unreadable certificates) need their message, not a stack.
    const message = err instanceof ServiceError ? err.message : err instanceof Error ? err.stack : String(err);
    process.stderr.write(`sense-task-gateway: ${message}\n`);
    process.exitCode = 1;
  },
);
