import type { KvBackend } from '../../src/config/settings.js';
import { KV_GETS, KV_POSTS } from '../fixture.js';
import { expectAnswer, probe } from '../http-probe.js';
import type { ServerChild } from '../servers/fork-server.js';
import { BARE_HTTP_ID, BASELINE_GET_ID, BASELINE_POST_ID, throughputProfile } from './baseline.js';
import { measure } from './measure.js';
import type { BenchContext, ScenarioResult } from './types.js';

function hasValue(body: unknown): boolean {
  return typeof body === 'object' && body !== null && 'value' in body && typeof body.value === 'string';
}

/** Stores every key the GET run reads, checking each write is acknowledged. */
async function seed(url: string): Promise<void> {
  for (const post of KV_POSTS) expectAnswer(`seeding ${post.path}`, await probe(url, post), (a) => a.status === 201);
  const [firstGet] = KV_GETS;
  if (firstGet) expectAnswer(`reading ${firstGet.path}`, await probe(url, firstGet), (a) => a.status === 200 && hasValue(a.body));
}

/** The shipped default backend: its service also measures /health, the pipeline alone. */
const SHIPPED_BACKEND: KvBackend = 'sqlite';

/** GET and POST on one backend, through the whole service (routes, validation, store). */
async function runBackend(ctx: BenchContext, backend: KvBackend, service: ServerChild): Promise<ScenarioResult[]> {
  const profile = throughputProfile(ctx.profile);
  const suffix = `, ${profile.connections} connections`;
  try {
    const results: ScenarioResult[] = [];
    if (backend === SHIPPED_BACKEND) {
      ctx.progress('/health (shipped defaults)');
      const health = await measure(profile, service, [{ method: 'GET', path: '/health' }]);
      results.push({ id: 'health', group: 'kv', title: `/health (shipped defaults)${suffix}`, ...health, limitId: BARE_HTTP_ID });
    }
    await seed(service.url);
    ctx.progress(`key-value GET, ${backend}`);
    const get = await measure(profile, service, KV_GETS);
    ctx.progress(`key-value POST, ${backend}`);
    const post = await measure(profile, service, KV_POSTS);
    results.push(
      { id: `kv-get-${backend}`, group: 'kv', title: `key-value GET, ${backend}${suffix}`, ...get, baselineId: BASELINE_GET_ID, limitId: BARE_HTTP_ID },
      { id: `kv-post-${backend}`, group: 'kv', title: `key-value POST, ${backend}${suffix}`, ...post, baselineId: BASELINE_POST_ID },
    );
    return results;
  } finally {
    await service.close();
  }
}

/** One service per backend (memory, sqlite, redis), each with the shipped limits. */
export async function runKvScenarios(ctx: BenchContext, services: ReadonlyMap<KvBackend, ServerChild>): Promise<ScenarioResult[]> {
  const results: ScenarioResult[] = [];
  for (const [backend, service] of services) results.push(...(await runBackend(ctx, backend, service)));
  return results;
}
