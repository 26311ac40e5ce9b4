import type { FastifyInstance } from 'fastify';
import { callerOf } from './auth/index.js';

/**
 * One line per request with its outcome, instead of Fastify's two (incoming + completed).
 * The caller's key name is bound to request.log (as `caller`) and also ends the message.
 * A request forwarded by a trusted proxy names the client and, as `via`, the proxy.
 */
export function logEachRequest(app: FastifyInstance): void {
  app.addHook('onResponse', async (request, reply) => {
    const path = request.url.split('?')[0];
    const { keyName } = callerOf(request);
    const peer = request.socket.remoteAddress;
    const via = peer !== undefined && peer !== request.ip ? peer : undefined;
    request.log.info(
      {
        method: request.method,
        path,
        statusCode: reply.statusCode,
        durationMs: Math.round(reply.elapsedTime * 10) / 10,
        clientIp: request.ip,
        ...(via === undefined ? {} : { via }),
      },
      `${request.method} ${path} ${reply.statusCode} ${reply.elapsedTime.toFixed(1)}ms ${request.ip}` +
        (via === undefined ? '' : ` via ${via}`) +
        (keyName === null ? '' : ` key=${keyName}`),
    );
  });
}
