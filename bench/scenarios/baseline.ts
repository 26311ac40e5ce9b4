import { KV_POSTS } from '../fixture.js';
import { BASELINE_PATH } from '../child/baseline-path.js';
import type { ServerChild } from '../servers/fork-server.js';
import { measure } from './measure.js';
import type { BenchContext, ScenarioResult } from './types.js';

export const BASELINE_GET_ID = 'baseline-get';
export const BASELINE_POST_ID = 'baseline-post';

/** The ceiling: a bare Fastify route answering a constant, for GET and for a JSON POST. */
export async function runBaselineScenarios(ctx: BenchContext, server: ServerChild): Promise<ScenarioResult[]> {
  try {
    ctx.progress('baseline GET (bare Fastify route)');
    const get = await measure(ctx.profile, server, [{ method: 'GET', path: BASELINE_PATH }]);
    ctx.progress('baseline POST (bare Fastify route)');
    const post = await measure(ctx.profile, server, KV_POSTS.map((request) => ({ ...request, path: BASELINE_PATH })));
    return [
      { id: BASELINE_GET_ID, group: 'baseline', title: 'baseline: bare Fastify GET', ...get },
      { id: BASELINE_POST_ID, group: 'baseline', title: 'baseline: bare Fastify POST (JSON body)', ...post },
    ];
  } finally {
    await server.close();
  }
}
