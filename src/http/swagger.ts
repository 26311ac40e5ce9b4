import type { FastifyInstance } from 'fastify';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';

export const DOCS_PREFIX = '/documentation';

/** How callers present an API key when auth is on; lets the UI's "Authorize" button send one. */
const API_KEY_SCHEMES = {
  apiKeyHeader: { type: 'apiKey', in: 'header', name: 'X-API-Key' },
  bearer: { type: 'http', scheme: 'bearer' },
} as const;

/**
 * OpenAPI document built from the routes' own schemas; UI at /documentation, JSON and YAML
 * beside it. With `auth` the document declares the API key schemes.
 */
export async function registerOpenApi(app: FastifyInstance, version: string, opts: { auth: boolean }): Promise<void> {
  await app.register(swagger, {
    openapi: {
      openapi: '3.0.3',
      info: {
        title: 'sense-task-gateway',
        version,
        description:
          'Start Qlik Sense reload tasks and hand them parameters through a key-value store. ' +
          'Drop-in compatible with the task-start and key-value endpoints of Butler: same paths, ' +
          'same JSON. Clients that can only send GET and POST (the Qlik REST connector) send ' +
          'PUT, DELETE or PATCH as a POST with the header `X-HTTP-Method-Override`.',
      },
      tags: [
        { name: 'Reload tasks', description: 'Start reload tasks by ID, tag or custom property' },
        { name: 'Key-value store', description: 'Parameters for reloading apps, read from load scripts' },
        { name: 'Butler', description: 'Butler housekeeping endpoints' },
        { name: 'Operations', description: 'Health and readiness probes' },
      ],
      ...(opts.auth
        ? { components: { securitySchemes: API_KEY_SCHEMES }, security: [{ apiKeyHeader: [] }, { bearer: [] }] }
        : {}),
    },
  });
  // No validator badge: it would send the document's URL to validator.swagger.io.
  await app.register(swaggerUi, { routePrefix: DOCS_PREFIX, uiConfig: { validatorUrl: null } });
}
