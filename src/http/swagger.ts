import type { FastifyInstance } from 'fastify';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';

export const DOCS_PREFIX = '/documentation';

/** How callers present an API key when auth is on; lets the UI's "Authorize" button send one. */
const API_KEY_SCHEMES = {
  apiKeyHeader: { type: 'apiKey', in: 'header', name: 'X-API-Key' },
  bearer: { type: 'http', scheme: 'bearer' },
} as const;

type OpenApiDocument = { paths?: Record<string, Record<string, { requestBody?: { required?: boolean } }>> };

/** Routes whose body may be left out (the start body: "no items" is fine). */
const OPTIONAL_BODIES = ['/v4/reloadtask/{taskId}/start'];

/**
 * @fastify/swagger marks every request body with a schema as required; the start body is
 * optional (an empty body, [], {} and null all mean "no items"), so the document says so.
 */
function bodiesOptional(document: OpenApiDocument): OpenApiDocument {
  for (const path of OPTIONAL_BODIES) {
    for (const operation of Object.values(document.paths?.[path] ?? {})) {
      if (operation.requestBody) operation.requestBody.required = false;
    }
  }
  return document;
}

/**
 * OpenAPI document built from the routes' own schemas; UI at /documentation, JSON and YAML
 * beside it. With `auth` the document declares the API key schemes.
 */
export async function registerOpenApi(app: FastifyInstance, version: string, opts: { auth: boolean }): Promise<void> {
  await app.register(swagger, {
    transformObject: (documentObject) =>
      bodiesOptional((documentObject as unknown as { openapiObject: OpenApiDocument }).openapiObject) as never,
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
        { name: 'Qlik Cloud', description: "Qlik Cloud's reload-finished events (webhook)" },
      ],
      ...(opts.auth
        ? { components: { securitySchemes: API_KEY_SCHEMES }, security: [{ apiKeyHeader: [] }, { bearer: [] }] }
        : {}),
    },
  });
  // No validator badge: it would send the document's URL to validator.swagger.io.
  await app.register(swaggerUi, { routePrefix: DOCS_PREFIX, uiConfig: { validatorUrl: null } });
}
