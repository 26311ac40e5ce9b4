import type { FastifyPluginAsync } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { EndpointSettings } from '../../config/settings.js';
import type { Readiness, ReadinessResult } from '../../cached-readiness.js';
import { callerOf } from '../auth/index.js';
import { EndpointsEnabledResponse, HealthResponse, PingResponse, ReadinessResponse } from '../schemas/system.js';

export interface SystemRoutesOptions {
  endpoints: EndpointSettings;
  version: string;
  /** Each backend that is on (at least one). */
  readiness: { readonly qrs: Readiness | null; readonly qlikCloud: Readiness | null };
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
        summary: 'Readiness probe: a backend (QRS or Qlik Cloud) reachable and authenticated',
        tags: ['Operations'],
        response: { 200: ReadinessResponse, 503: ReadinessResponse },
      },
    },
    async (request, reply) => {
      const checks = await Promise.all(
        (['qrs', 'qlikCloud'] as const).flatMap((backend) => {
          const readiness = opts.readiness[backend];
          return readiness === null ? [] : [readiness.check().then((result) => [backend, result] as const)];
        }),
      );
      // One backend down fails only its own tasks, so the service stays in rotation while the other answers.
      const ready = checks.some(([, result]) => result.ready);
      // With no backend on (no valid config allows it) nothing answers, now.
      const checkedAt = checks.map(([, result]) => result.checkedAt).sort()[0] ?? new Date().toISOString();
      const details: Partial<Record<'qrs' | 'qlikCloud', ReadinessResult>> = Object.fromEntries(checks);
      // A backend's error names its host, port and socket error: for the log and admins only.
      const isAdmin = callerOf(request).scopes.includes('admin');
      return reply.code(ready ? 200 : 503).send({ ready, checkedAt, ...(isAdmin ? details : {}) });
    },
  );
};
