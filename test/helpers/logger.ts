import { Writable } from 'node:stream';
import type { Logger } from 'winston';
import { LOG_LEVELS, type LogLevel } from '../../src/config/settings.js';
import { createLogger } from '../../src/logging/index.js';

/**
 * A logger for tests, built like the service's (same levels, same secret redaction) but in
 * JSON format and writing nowhere but memory. `lines()` returns every line logged so far, in
 * order, each one JSON object: `{"level":"info","message":"...","timestamp":"...",...meta}`.
 */
export function createCapturingLogger(level = 'silly'): { logger: Logger; lines: () => string[] } {
  if (!(LOG_LEVELS as readonly string[]).includes(level)) {
    throw new Error(`unknown log level "${level}"; use one of ${LOG_LEVELS.join(', ')}`);
  }
  const captured: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer | string, _encoding, done) {
      captured.push(String(chunk).replace(/\r?\n$/, ''));
      done();
    },
  });
  const logger = createLogger(
    { level: level as LogLevel, fileLogging: false, directory: '.', format: 'json' },
    { consoleStream: sink },
  );
  return { logger, lines: () => [...captured] };
}
