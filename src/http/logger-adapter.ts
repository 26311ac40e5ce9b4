import type { FastifyBaseLogger } from 'fastify';
import type { Logger } from 'winston';

type Bindings = Record<string, unknown>;
type PinoLevel = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace';

const WINSTON_LEVEL: Record<PinoLevel, string> = {
  fatal: 'error',
  error: 'error',
  warn: 'warn',
  info: 'info',
  debug: 'debug',
  trace: 'silly',
};

function describeError(err: unknown): unknown {
  return err instanceof Error ? { name: err.name, message: err.message, stack: err.stack } : err;
}

/**
 * Lets Fastify log through the service's winston logger, so request lines and application
 * lines share one format, one set of transports and one redaction. Fastify speaks pino's
 * call shapes: `(msg)`, `(obj, msg)` or `(err)`.
 */
export function fastifyLoggerFrom(logger: Logger, bindings: Bindings = {}): FastifyBaseLogger {
  const write =
    (level: PinoLevel) =>
    (first: unknown, second?: unknown): void => {
      let message = typeof second === 'string' ? second : '';
      let meta: Bindings = { ...bindings };
      if (typeof first === 'string') {
        message = first;
      } else if (first instanceof Error) {
        message ||= first.message;
        meta.err = describeError(first);
      } else if (first && typeof first === 'object') {
        const { err, ...rest } = first as Bindings;
        meta = { ...meta, ...rest, ...(err === undefined ? {} : { err: describeError(err) }) };
      }
      logger.log(WINSTON_LEVEL[level], message, meta);
    };

  return {
    get level() {
      return logger.level;
    },
    set level(value: string) {
      logger.level = value;
    },
    fatal: write('fatal'),
    error: write('error'),
    warn: write('warn'),
    info: write('info'),
    debug: write('debug'),
    trace: write('trace'),
    silent: () => undefined,
    child: (childBindings: Bindings) => fastifyLoggerFrom(logger, { ...bindings, ...childBindings }),
  } as FastifyBaseLogger;
}
