import { STATUS_CODES } from 'node:http';
import type { FastifyError, FastifyInstance, FastifyRequest } from 'fastify';
import { ServiceError } from '../errors.js';
import { validationMessage } from './validation-message.js';

export interface ErrorBody {
  statusCode: number;
  error: string;
  message: string;
  code?: string;
}

function body(statusCode: number, message: string, code?: string): ErrorBody {
  return { statusCode, error: STATUS_CODES[statusCode] ?? 'Error', message, ...(code ? { code } : {}) };
}

/**
 * Refusals that may come before the body was read: the connection is closed instead of
 * draining a body nobody wants (a client could otherwise hold it open for as long as it sends).
 */
const CLOSING_STATUSES = new Set([401, 403, 408, 413, 415]);

/** Fastify's own refusals whose message should name what to change. */
function messageFor(error: FastifyError, request: FastifyRequest, limits: ErrorLimits): string {
  switch (error.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return `the request body is larger than ${limits.bodyLimitBytes} bytes (Butler.restServerConfig.bodyLimit)`;
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return 'the Content-Type header is not valid: send Content-Type: application/json';
    default:
      return error.validation ? validationMessage(error, request) : error.message;
  }
}

export interface ErrorLimits {
  readonly bodyLimitBytes: number;
}

/** The longest request path an error message repeats (a URL can be many kilobytes long). */
const MAX_ECHOED_PATH = 200;

function shortPath(url: string): string {
  const path = url.split('?')[0] ?? '';
  return path.length > MAX_ECHOED_PATH ? `${path.slice(0, MAX_ECHOED_PATH)}... (${path.length} characters)` : path;
}

/**
 * One error shape for every failure: `{statusCode, error, message, code?}`. Expected
 * failures are ServiceErrors or Fastify's own 4xx (validation, body limit, bad JSON) and keep
 * their message; anything else is a bug, logged with its stack and answered with a generic 500.
 */
export function installErrorHandlers(app: FastifyInstance, limits: ErrorLimits): void {
  app.setErrorHandler((error: FastifyError | ServiceError | Error, request, reply) => {
    const statusCode = (error as { statusCode?: unknown }).statusCode;
    if (typeof statusCode === 'number' && CLOSING_STATUSES.has(statusCode)) reply.header('connection', 'close');
    if (error instanceof ServiceError) {
      const level = error.statusCode >= 500 ? 'warn' : 'info';
      request.log[level]({ code: error.code }, `${request.method} ${shortPath(request.url)}: ${error.message}`);
      return reply.code(error.statusCode).send(body(error.statusCode, error.message, error.code));
    }
    if (typeof statusCode === 'number' && statusCode >= 400 && statusCode < 500) {
      const fastifyError = error as FastifyError;
      return reply.code(statusCode).send(body(statusCode, messageFor(fastifyError, request, limits), fastifyError.code));
    }
    request.log.error({ err: error }, `${request.method} ${shortPath(request.url)}: unexpected error`);
    return reply.code(500).send(body(500, 'Internal server error; the service log has the details'));
  });

  app.setNotFoundHandler((request, reply) =>
    reply.code(404).send(body(404, `Route ${request.method} ${shortPath(request.url)} not found`)),
  );
}
