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
 *
 * Per-request cost matters here (Fastify makes a child per request): methods live on the
 * prototype, a child is one small object, and a line below the level returns before any
 * work, because winston runs its formats (redaction, timestamp, printf) before its
 * transports drop a line for its level.
 */
class WinstonForFastify {
  constructor(
    private readonly logger: Logger,
    private bindings: Bindings,
    /** Only a child may gain bindings in place: the root logger is shared by every request. */
    readonly ownsBindings: boolean,
  ) {}

  get level(): string {
    return this.logger.level;
  }

  set level(value: string) {
    this.logger.level = value;
  }

  child(bindings: Bindings): WinstonForFastify {
    return new WinstonForFastify(this.logger, { ...this.bindings, ...bindings }, true);
  }

  /** Adds bindings to this child itself, for what becomes known after it was made (the caller). */
  bind(bindings: Bindings): void {
    this.bindings = { ...this.bindings, ...bindings };
  }

  fatal(first: unknown, second?: unknown): void {
    this.write('fatal', first, second);
  }

  error(first: unknown, second?: unknown): void {
    this.write('error', first, second);
  }

  warn(first: unknown, second?: unknown): void {
    this.write('warn', first, second);
  }

  info(first: unknown, second?: unknown): void {
    this.write('info', first, second);
  }

  debug(first: unknown, second?: unknown): void {
    this.write('debug', first, second);
  }

  trace(first: unknown, second?: unknown): void {
    this.write('trace', first, second);
  }

  silent(): void {}

  private write(pinoLevel: PinoLevel, first: unknown, second: unknown): void {
    const level = WINSTON_LEVEL[pinoLevel];
    const { logger } = this;
    if (logger.silent || !logger.isLevelEnabled(level)) return;
    let message = typeof second === 'string' ? second : '';
    let fields: Bindings | undefined;
    let err: unknown;
    if (typeof first === 'string') {
      message = first;
    } else if (first instanceof Error) {
      message ||= first.message;
      err = first;
    } else if (first && typeof first === 'object') {
      ({ err, ...fields } = first as Bindings);
    }
    // One entry object handed to winston as is: its (level, message, meta) form copies the
    // meta again and would read `%s`-like sequences in a URL as placeholders, dropping the meta.
    logger.log({
      ...this.bindings,
      ...fields,
      ...(err === undefined ? {} : { err: describeError(err) }),
      level,
      message,
    });
  }
}

/** The Fastify logger over the service's winston logger. */
export function fastifyLoggerFrom(logger: Logger, bindings: Bindings = {}): FastifyBaseLogger {
  return new WinstonForFastify(logger, bindings, false) as unknown as FastifyBaseLogger;
}

/**
 * `log` with `bindings` added: the same object when it is a request's own child (no second
 * child per request), otherwise a child.
 */
export function withBindings(log: FastifyBaseLogger, bindings: Bindings): FastifyBaseLogger {
  const adapter = log as unknown as WinstonForFastify;
  if (adapter instanceof WinstonForFastify && adapter.ownsBindings) {
    adapter.bind(bindings);
    return log;
  }
  return log.child(bindings);
}
