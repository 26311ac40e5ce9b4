/** Readiness over `GET /qrs/about`: QRS reachable and accepting our certificate (cached). */
import { createCachedReadiness, type Readiness, type ReadinessOptions } from '../cached-readiness.js';
import type { QrsClient } from './types.js';

export function createQrsReadiness(client: Pick<QrsClient, 'about'>, options: ReadinessOptions): Readiness {
  return createCachedReadiness(async () => `QRS ${(await client.about()).buildVersion} answered`, options);
}
