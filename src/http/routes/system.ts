import type { FastifyPluginAsync } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { EndpointSettings } from '../../config/settings.js';
import type { QrsReadiness } from '../../qrs/index.js';
import { callerOf } from '../auth/index.js';
import { EndpointsEnabledResponse, HealthResponse, PingResponse, ReadinessResponse } from '../schemas/system.js';

export interface SystemRoutesOptions {
  endpoints: EndpointSettings;
  version: string;
  readiness: QrsReadiness;
}

/** Ping and endpoint list (each behind its Butler flag), plus health and readiness (always on). */
export const systemRoutes: FastifyPluginAsync<SystemRoutesOptions> = async (fastify, opts) => {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();

  if (opts.endpoints.butlerping) {
    app.get(
      '/v4/butlerping',
      {
        schema: {
          summary: 'Is the service alive? (Butler compatible)',
          tags: ['Butler'],
          response: { 200: PingResponse },
        },
      },
      async () => ({ response: 'Butler reporting for duty', butlerVersion: opts.version }),
    );
  }

  if (opts.endpoints.apiListEnabledEndpoints) {
    const enabled = Object.entries(opts.endpoints)
      .filter(([, on]) => on)
      .map(([name]) => name)
      .sort();
    app.get(
      '/v4/configfile/endpointsenabled',
      {
        schema: {
          summary: 'List the enabled REST endpoints (Butler compatible)',
          tags: ['Butler'],
          response: { 200: EndpointsEnabledResponse },
        },
      },
      async () => enabled,
    );
  }

  app.get(
    '/health',
    { schema: { summary: 'Liveness probe for containers', tags: ['Operations'], response: { 200: HealthResponse } } },
    async () => ({ status: 'ok' as const }),
  );

  app.get(
    '/ready',
    {
      schema: {
        summary: 'Readiness probe: QRS reachable and authenticated',
        tags: ['Operations'],
        response: { 200: ReadinessResponse, 503: ReadinessResponse },
      },
    },
    async (request, reply) => {
      const qrs = await opts.readiness.check();
      // QRS's error names its host, port and socket error: for the log and admins only.
      const isAdmin = callerOf(request).scopes.includes('admin');
      return reply.code(qrs.ready ? 200 : 503).send({ ready: qrs.ready, checkedAt: qrs.checkedAt, ...(isAdmin ? { qrs } : {}) });
    },
  );
};
