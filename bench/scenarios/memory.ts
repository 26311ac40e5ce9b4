import { KV_GETS, KV_POSTS, START_ONE } from '../fixture.js';
import { expectAnswer, probe } from '../http-probe.js';
import { driveLoad, type LoadRequest } from '../load/drive-load.js';
import type { ServerChild } from '../servers/fork-server.js';
import { simulatorQuiet } from './measure.js';
import type { BenchContext, MemoryResult } from './types.js';

// Each connection cycles: start a task, then write and read back this many parameters.
const KEYS_PER_START = 5;
// RSS is sampled after each slice, so growth that levels off tells apart from a leak.
const SLICES = 4;

function mixedTraffic(): LoadRequest[] {
  const cycle: LoadRequest[] = [START_ONE];
  for (let i = 0; i < KEYS_PER_START; i++) {
    const post = KV_POSTS[i];
    const get = KV_GETS[i];
    if (post === undefined || get === undefined) throw new Error('bench fixture has too few keys');
    cycle.push(post, get);
  }
  return cycle;
}

/**
 * RSS of a fresh service (shipped defaults: SQLite store, QRS at 0 ms) over a fixed number
 * of requests, sampled after a garbage collection before the run and after each quarter.
 * The first sample follows a warm-up, so JIT code and connection pools count as baseline.
 */
export async function runMemoryCheck(ctx: BenchContext, service: ServerChild): Promise<MemoryResult> {
  const { profile, simulator } = ctx;
  try {
    const traffic = mixedTraffic();
    for (const request of traffic) {
      expectAnswer(`${request.method} ${request.path}`, await probe(service.url, request), (a) => a.status >= 200 && a.status < 300);
    }
    const spec = { url: service.url, connections: profile.connections, requests: traffic };
    ctx.progress(`memory check: ${profile.memoryWarmupRequests} warm-up requests`);
    await driveLoad({ ...spec, amount: profile.memoryWarmupRequests });
    await simulatorQuiet(simulator.stats);
    simulator.stats.reset();
    const samples = [await service.usage({ collectGarbage: true })];
    const slices = [];
    const perSlice = Math.ceil(profile.memoryRequests / SLICES);
    for (let slice = 1; slice <= SLICES; slice++) {
      ctx.progress(`memory check: requests ${(slice - 1) * perSlice + 1}-${slice * perSlice} (start, POST, GET)`);
      slices.push(await driveLoad({ ...spec, amount: perSlice }));
      await simulatorQuiet(simulator.stats);
      // The simulator keeps every request it saw; the service is what is being measured.
      simulator.stats.reset();
      samples.push(await service.usage({ collectGarbage: true }));
    }
    const seconds = slices.reduce((sum, s) => sum + s.durationSeconds, 0);
    const completed = slices.reduce((sum, s) => sum + s.completed, 0);
    return {
      requests: perSlice * SLICES,
      warmupRequests: profile.memoryWarmupRequests,
      requestsPerSecond: seconds > 0 ? completed / seconds : 0,
      errors: slices.reduce((sum, s) => sum + s.errors, 0),
      samples,
    };
  } finally {
    await service.close();
  }
}
