import { once } from 'node:events';
import type { Logger } from 'winston';
import DailyRotateFile from 'winston-daily-rotate-file';

/**
 * Ends the logger and resolves once every line is on disk. Ending a winston logger only ends
 * its transports; the daily-rotate-file transport writes through an inner file stream that
 * finishes later, so shutdown (and tests reading the file) must wait for that stream too.
 */
export async function closeLogger(logger: Logger): Promise<void> {
  const fileStreamsFinished = logger.transports
    .filter((transport) => transport instanceof DailyRotateFile)
    .map((transport) => (transport as unknown as { logStream?: NodeJS.EventEmitter }).logStream)
    .filter((stream) => stream !== undefined)
    .map((stream) => once(stream, 'finish'));
  const loggerFinished = once(logger, 'finish');
  logger.end();
  await loggerFinished;
  await Promise.all(fileStreamsFinished);
}
