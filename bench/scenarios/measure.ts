import { setTimeout as sleep } from 'node:timers/promises';
import type { SimulatorStats } from '../../src/simulator/index.js';
import { driveLoad, type LoadRequest, type LoadResult } from '../load/drive-load.js';
import type { ServerChild } from '../servers/fork-server.js';
import type { BenchProfile, CpuUse } from './types.js';

/** A run that is thrown away: JIT, connection pools and caches settle before measuring. */
export async function warmUp(profile: BenchProfile, server: ServerChild, requests: readonly LoadRequest[]): Promise<void> {
  await driveLoad({
    url: server.url,
    connections: profile.connections,
    requests,
    durationSeconds: profile.warmupSeconds,
    generator: profile.generator,
  });
}

/** Load numbers plus the CPU time each process used while serving them. */
export interface Measured {
  load: LoadResult;
  serverCpu: CpuUse;
  benchCpu: CpuUse;
}

function cpuUse(cpuMicros: number, load: LoadResult): CpuUse {
  const cpuMs = cpuMicros / 1000;
  return {
    msPerRequest: load.completed > 0 ? cpuMs / load.completed : 0,
    coresUsed: load.durationSeconds > 0 ? cpuMs / 1000 / load.durationSeconds : 0,
  };
}

/**
 * One measured run of the profile's duration. CPU time is sampled in both processes: on
 * two cores, whichever process saturates its core sets the throughput.
 */
export async function measureRun(profile: BenchProfile, server: ServerChild, requests: readonly LoadRequest[]): Promise<Measured> {
  const serverBefore = await server.usage({ collectGarbage: false });
  const benchBefore = process.cpuUsage();
  const load = await driveLoad({
    url: server.url,
    connections: profile.connections,
    requests,
    durationSeconds: profile.durationSeconds,
    generator: profile.generator,
  });
  const bench = process.cpuUsage(benchBefore);
  const serverAfter = await server.usage({ collectGarbage: false });
  return {
    load,
    serverCpu: cpuUse(serverAfter.cpuMicros - serverBefore.cpuMicros, load),
    benchCpu: cpuUse(bench.user + bench.system, load),
  };
}

/** Warm-up, then the measured run, same requests and connections. */
export async function measure(profile: BenchProfile, server: ServerChild, requests: readonly LoadRequest[]): Promise<Measured> {
  await warmUp(profile, server, requests);
  return measureRun(profile, server, requests);
}

const QUIET_POLL_MS = 100;
const QUIET_GIVE_UP_MS = 10_000;

/**
 * Waits until the simulator has seen no new request for two polls in a row. When the load
 * generator stops it drops requests in flight, but the service still finishes them, and
 * their QRS calls belong to the run just measured.
 */
export async function simulatorQuiet(stats: SimulatorStats): Promise<void> {
  let last = -1;
  let stableFor = 0;
  for (let waited = 0; waited < QUIET_GIVE_UP_MS && stableFor < 2; waited += QUIET_POLL_MS) {
    await sleep(QUIET_POLL_MS);
    const count = stats.requestCount();
    stableFor = count === last ? stableFor + 1 : 0;
    last = count;
  }
}
