import type { FastifyInstance } from 'fastify';
import type { ServiceMetrics } from '../metrics/index.js';

/** The route label of a request no route matched: one value, whatever the URL was. */
export const UNMATCHED_ROUTE = 'unmatched';

/**
 * Counts and times every answered request by route pattern (`/v4/keyvalues/:namespace`),
 * never by URL, so namespaces, keys and task IDs cannot grow the number of series.
 */
export function countRequests(app: FastifyInstance, metrics: ServiceMetrics): void {
  app.addHook('onResponse', async (request, reply) => {
    metrics.httpRequest(request.routeOptions.url ?? UNMATCHED_ROUTE, request.method, reply.statusCode, reply.elapsedTime / 1000);
  });
}

/** GET /metrics in Prometheus' text format. Who may call it is decided by the auth hooks (`metrics` scope). */
export async function metricsRoute(app: FastifyInstance, opts: { metrics: ServiceMetrics }): Promise<void> {
  const { registry } = opts.metrics;
  app.get(
    '/metrics',
    {
      schema: {
        summary: 'Prometheus metrics: requests, QRS calls, task starts, key-value operations, process',
        tags: ['Operations'],
        produces: [registry.contentType],
        response: { 200: { type: 'string', description: 'Prometheus text exposition format' } },
      },
    },
    async (_request, reply) => reply.type(registry.contentType).send(await registry.metrics()),
  );
}
