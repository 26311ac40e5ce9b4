import { STATUS_CODES } from 'node:http';
import type { FastifyError, FastifyInstance } from 'fastify';
import { ServiceError } from '../errors.js';

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
 * One error shape for every failure: `{statusCode, error, message, code?}`. Expected
 * failures are ServiceErrors or Fastify's own 4xx (validation, body limit, bad JSON) and keep
 * their message; anything else is a bug, logged with its stack and answered with a generic 500.
 */
export function installErrorHandlers(app: FastifyInstance): void {
  app.setErrorHandler((error: FastifyError | ServiceError | Error, request, reply) => {
    if (error instanceof ServiceError) {
      const level = error.statusCode >= 500 ? 'warn' : 'info';
      request.log[level]({ code: error.code }, `${request.method} ${request.url}: ${error.message}`);
      return reply.code(error.statusCode).send(body(error.statusCode, error.message, error.code));
    }
    const status = (error as FastifyError).statusCode;
    if (typeof status === 'number' && status >= 400 && status < 500) {
      const fastifyError = error as FastifyError;
      const message = fastifyError.validation ? `Invalid request: ${error.message}` : error.message;
      return reply.code(status).send(body(status, message, fastifyError.code));
    }
    request.log.error({ err: error }, `${request.method} ${request.url}: unexpected error`);
    return reply.code(500).send(body(500, 'Internal server error; the service log has the details'));
  });

  app.setNotFoundHandler((request, reply) =>
    reply.code(404).send(body(404, `Route ${request.method} ${request.url.split('?')[0]} not found`)),
  );
}
