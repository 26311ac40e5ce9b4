import type { FastifyInstance } from 'fastify';
import helmet from '@fastify/helmet';

/**
 * Helmet's security headers on every answer, errors included. Helmet's default content
 * security policy already fits the Swagger UI (its page loads only same-origin scripts and
 * styles); over plain HTTP the policy must not ask browsers to upgrade those loads to HTTPS,
 * and HSTS is only meaningful when the service itself serves HTTPS. No CORS headers are
 * sent, so browsers refuse cross-origin calls.
 */
export async function addSecurityHeaders(app: FastifyInstance, opts: { https: boolean }): Promise<void> {
  await app.register(helmet, {
    contentSecurityPolicy: { directives: { 'upgrade-insecure-requests': opts.https ? [] : null } },
    strictTransportSecurity: opts.https ? { maxAge: 15552000, includeSubDomains: false } : false,
  });
}
