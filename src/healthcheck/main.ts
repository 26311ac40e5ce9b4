#!/usr/bin/env node
/**
 * Container health check (the Dockerfile's HEALTHCHECK): reads the same config file and
 * STG_* variables as the service, calls its /health over HTTP or HTTPS, exits 0 when it
 * answers 200 and 1 otherwise, with one line saying why.
 */
import { parseArgs } from '../cli/index.js';
import { loadSettings } from '../config/index.js';
import { probeHealth } from './probe.js';

const TIMEOUT_MS = 4000;

async function check(): Promise<number> {
  const args = parseArgs(process.argv.slice(2));
  if (args.kind !== 'run') {
    process.stderr.write('usage: healthcheck --configfile <file>\n');
    return 1;
  }
  const settings = loadSettings(args.configFile);
  const problem = await probeHealth(settings.server, TIMEOUT_MS);
  if (problem === undefined) return 0;
  process.stderr.write(`unhealthy: ${problem}\n`);
  return 1;
}

check().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`unhealthy: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  },
);
