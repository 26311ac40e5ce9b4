import { KV_POSTS } from '../fixture.js';
import { BASELINE_PATH } from '../child/baseline-path.js';
import type { ServerChild } from '../servers/fork-server.js';
import { measure } from './measure.js';
import type { BenchContext, BenchProfile, ScenarioResult } from './types.js';

export const BARE_HTTP_ID = 'bare-http-get';
export const BASELINE_GET_ID = 'baseline-get';
export const BASELINE_POST_ID = 'baseline-post';

/** Baselines, /health and key-value rows run at the throughput connection count. */
export function throughputProfile(profile: BenchProfile): BenchProfile {
  return { ...profile, connections: profile.throughputConnections };
}

/**
 * The ceilings: a bare `node:http` server answering a constant (one Node process's
 * practical limit), then a bare Fastify route answering a constant, for GET and a JSON POST.
 */
export async function runBaselineScenarios(
  ctx: BenchContext,
  servers: { fastify: ServerChild; bareHttp: ServerChild },
): Promise<ScenarioResult[]> {
  const profile = throughputProfile(ctx.profile);
  const suffix = `, ${profile.connections} connections`;
  try {
    ctx.progress('baseline GET (bare node:http)');
    const bare = await measure(profile, servers.bareHttp, [{ method: 'GET', path: '/' }]);
    ctx.progress('baseline GET (bare Fastify route)');
    const get = await measure(profile, servers.fastify, [{ method: 'GET', path: BASELINE_PATH }]);
    ctx.progress('baseline POST (bare Fastify route)');
    const post = await measure(profile, servers.fastify, KV_POSTS.map((request) => ({ ...request, path: BASELINE_PATH })));
    return [
      { id: BARE_HTTP_ID, group: 'baseline', title: `baseline: bare node:http GET (constant JSON)${suffix}`, ...bare },
      { id: BASELINE_GET_ID, group: 'baseline', title: `baseline: bare Fastify GET${suffix}`, ...get, limitId: BARE_HTTP_ID },
      { id: BASELINE_POST_ID, group: 'baseline', title: `baseline: bare Fastify POST (JSON body)${suffix}`, ...post },
    ];
  } finally {
    await Promise.all([servers.fastify.close(), servers.bareHttp.close()]);
  }
}
