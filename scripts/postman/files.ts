import { buildCollection, buildDemoEnvironment, serialize } from './collection.js';
import { ROUTE_EXAMPLES } from './examples.js';
import { demoOpenApiDocument } from './openapi-document.js';

export const COLLECTION_FILE = 'docs/postman/sense-task-gateway.postman_collection.json';
export const ENVIRONMENT_FILE = 'docs/postman/demo.postman_environment.json';

/** The two files' contents, from the service's current OpenAPI document. */
export async function generatePostmanFiles(): Promise<{ collection: string; environment: string }> {
  const document = await demoOpenApiDocument();
  return {
    collection: serialize(buildCollection(document, ROUTE_EXAMPLES)),
    environment: serialize(buildDemoEnvironment(document.info.title)),
  };
}
