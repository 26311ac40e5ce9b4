import type { FastifyInstance } from 'fastify';
import type { AuthSettings } from '../../config/settings.js';
import { callerOf } from './caller.js';
import { ForbiddenError, UnauthorizedError } from './errors.js';
import { grants, requirementFor } from './scope-table.js';

/**
 * With auth on, refuses a request whose caller may not call its route: 401 without a valid
 * key, 403 without the scope. It runs in onRequest, before the body is read, so a refused
 * request never reaches validation, the store or QRS.
 */
export function authorizeCallers(app: FastifyInstance, auth: AuthSettings): void {
  if (!auth.enable) return;
  app.addHook('onRequest', async (request, reply) => {
    const routeUrl = request.routeOptions.url;
    const needed = requirementFor(request.method, routeUrl, auth.openEndpoints);
    if (needed.kind === 'open') return;
    const caller = callerOf(request);
    if (caller.keyName === null) {
      reply.header('www-authenticate', 'Bearer realm="sense-task-gateway"');
      throw new UnauthorizedError(caller.refusal ?? 'an API key is required');
    }
    if (needed.kind === 'scope' && !grants(caller.scopes, needed.scope)) {
      throw new ForbiddenError(
        `API key "${caller.keyName}" does not have the "${needed.scope}" scope that ${request.method} ${routeUrl} needs`,
      );
    }
  });
}
