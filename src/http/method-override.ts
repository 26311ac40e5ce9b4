import type { IncomingMessage } from 'node:http';
import type { FastifyInstance } from 'fastify';
import { BadRequestError } from '../errors.js';

const OVERRIDABLE = new Set(['PUT', 'DELETE', 'PATCH']);
const kRefusedOverride = Symbol('refusedMethodOverride');

type RawRequest = IncomingMessage & { [kRefusedOverride]?: string };

/**
 * Qlik's REST connector can only send GET and POST, so load scripts ask for PUT and DELETE
 * with `X-HTTP-Method-Override` on a POST. The method must change before Fastify routes the
 * request; `rewriteUrl` is the one hook that runs there, for real sockets and `inject()`
 * alike, so it is used for that side effect and returns the URL unchanged.
 */
export function rewriteOverriddenMethod(req: IncomingMessage): string {
  const override = req.headers['x-http-method-override'];
  if (req.method === 'POST' && override !== undefined) {
    const wanted = String(override).trim().toUpperCase();
    if (OVERRIDABLE.has(wanted)) req.method = wanted;
    else (req as RawRequest)[kRefusedOverride] = String(override);
  }
  return req.url ?? '/';
}

/** Refuses, before any handler runs, a POST whose override names a method we do not allow. */
export function refuseBadMethodOverride(app: FastifyInstance): void {
  app.addHook('onRequest', async (request) => {
    const refused = (request.raw as RawRequest)[kRefusedOverride];
    if (refused !== undefined) {
      throw new BadRequestError(
        `X-HTTP-Method-Override "${refused.slice(0, 20)}" is not allowed: only PUT, DELETE and PATCH may override a POST`,
      );
    }
  });
}
