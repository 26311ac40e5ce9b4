import { mkdirSync } from 'node:fs';
import winston from 'winston';
import type { Logger } from 'winston';
import DailyRotateFile from 'winston-daily-rotate-file';
import type { LoggingSettings } from '../config/settings.js';
import { ConfigError } from '../errors.js';
import { createBatchedOutput } from './batched-output.js';
import { lineFormat } from './formats.js';

export interface LoggerOptions {
  /**
   * Where console lines go instead of the process console (tests capture output here).
   * Leave unset in the service.
   */
  consoleStream?: NodeJS.WritableStream;
}

/**
 * The service's logger: npm levels (error, warn, info, verbose, debug, silly) as in Butler,
 * always to standard output (batched per event-loop turn), and also to daily rotating files
 * in `settings.directory` when `settings.fileLogging` is on. Call `closeLogger(logger)` at
 * shutdown to flush the files.
 */
export function createLogger(settings: LoggingSettings, options: LoggerOptions = {}): Logger {
  const transports: winston.transport[] = [
    new winston.transports.Stream({ stream: options.consoleStream ?? createBatchedOutput(process.stdout) }),
  ];
  if (settings.fileLogging) {
    createLogDirectory(settings.directory);
    transports.push(
      new DailyRotateFile({
        dirname: settings.directory,
        filename: 'sense-task-gateway.%DATE%.log',
        datePattern: 'YYYY-MM-DD',
        utc: true, // file dates match the UTC timestamps on the lines
        maxFiles: '30d',
      }),
    );
  }
  const logger = winston.createLogger({
    levels: winston.config.npm.levels,
    level: settings.level,
    format: lineFormat(settings.format),
    transports,
  });
  skipDisabledLevels(logger);
  return logger;
}

/** Made here, so a folder that cannot be created is one config error instead of a stack trace. */
function createLogDirectory(directory: string): void {
  try {
    mkdirSync(directory, { recursive: true });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? String(error);
    throw new ConfigError('Butler.logDirectory', `Butler.logDirectory: cannot create the log folder ${directory} (${code})`, { cause: error });
  }
}

/**
 * Winston runs the whole format pipeline (redaction, timestamp, printf) on every entry and
 * only then lets each transport drop it for its level; an entry no transport wants is
 * dropped here instead, before that work. Every logging method ends in `write`.
 * A line written after shutdown ended the logger (a QRS call failing as its connections
 * close) is dropped too: winston would throw "write after end" and crash the exit.
 */
function skipDisabledLevels(logger: Logger): void {
  const write = logger.write.bind(logger) as (entry: winston.LogEntry) => boolean;
  const end = logger.end.bind(logger) as (...args: unknown[]) => Logger;
  let ended = false;
  logger.end = ((...args: unknown[]) => {
    ended = true;
    return end(...args);
  }) as typeof logger.end;
  logger.write = ((entry: winston.LogEntry) => (!ended && logger.isLevelEnabled(entry.level) ? write(entry) : true)) as typeof logger.write;
}
