import { MIXED_STARTS, START_MIXED, START_ONE } from '../fixture.js';
import { expectAnswer, probe, type ProbeAnswer } from '../http-probe.js';
import type { LoadRequest } from '../load/drive-load.js';
import type { StartService } from '../servers/start-servers.js';
import { measureRun, simulatorQuiet, warmUp } from './measure.js';
import type { BenchContext, ScenarioResult } from './types.js';

/** Simulated QRS latencies: none (our own overhead) and a LAN round trip to a busy QRS. */
export const QRS_LATENCIES_MS = [0, 20] as const;
/**
 * Butler.startTask.startConcurrency measured next to the shipped value: enough for every
 * start of the mixed request (18) to go out in one round.
 */
export const TUNED_START_CONCURRENCY = 32;

interface StartCase {
  id: string;
  title: string;
  request: LoadRequest;
  starts: number;
}

const CASES: readonly StartCase[] = [
  { id: 'start-one', title: 'start one task by id', request: START_ONE, starts: 1 },
  { id: 'start-mixed', title: 'start mixed', request: START_MIXED, starts: MIXED_STARTS },
];

function startedAll(expected: number) {
  return (answer: ProbeAnswer): boolean => {
    const body = answer.body as { executions?: unknown[]; tasksFailed?: unknown[] } | null;
    return answer.status === 200 && body?.executions?.length === expected && body.tasksFailed?.length === 0;
  };
}

/**
 * One connection, next to the profile's 10: shows the latency floor when nothing waits
 * for CPU, which the closed loop at 10 connections on 2 cores does not reach. At a QRS
 * latency where the round trips dominate (issue 13's target: p50 ≤ 2.3 × at 50 ms).
 */
export const UNLOADED_CONNECTIONS = 1;
export const UNLOADED_QRS_LATENCY_MS = 50;

async function runCase(
  ctx: BenchContext,
  start: StartService,
  startCase: StartCase,
  latencyMs: number,
  connections = ctx.profile.connections,
): Promise<ScenarioResult> {
  const { service, startConcurrency, shipped } = start;
  const profile = { ...ctx.profile, connections };
  const fewer = connections !== ctx.profile.connections;
  const { simulator } = ctx;
  simulator.hooks.latencyMs = latencyMs;
  expectAnswer(startCase.title, await probe(service.url, startCase.request), startedAll(startCase.starts));
  const title =
    `${startCase.title}, QRS ${latencyMs} ms` +
    `${shipped ? '' : `, startConcurrency ${startConcurrency}`}${fewer ? `, ${connections} connection${connections === 1 ? '' : 's'}` : ''}`;
  ctx.progress(title);

  const requests = [startCase.request];
  await warmUp(profile, service, requests);
  // The warm-up's late QRS calls must not land in the measured run's counts.
  await simulatorQuiet(simulator.stats);
  simulator.stats.reset();
  const { load, serverCpu, benchCpu } = await measureRun(profile, service, requests);
  await simulatorQuiet(simulator.stats);
  const qrsRequests = simulator.stats.requestCount();
  const qrsStarts = simulator.stats.starts.length;
  simulator.stats.reset();

  return {
    id: `${startCase.id}-qrs${latencyMs}ms${shipped ? '' : `-concurrency${startConcurrency}`}${fewer ? `-c${connections}` : ''}`,
    group: 'start',
    title,
    load,
    serverCpu,
    benchCpu,
    qrsLatencyMs: latencyMs,
    qrsRequestsPerRequest: load.sent > 0 ? qrsRequests / load.sent : 0,
    qrsStartsPerRequest: load.sent > 0 ? qrsStarts / load.sent : 0,
    startConcurrency,
  };
}

/**
 * Start requests against the simulator at each QRS latency with the shipped config, then
 * the mixed request at the highest latency with the tuned start concurrency; the mixed
 * request at UNLOADED_QRS_LATENCY_MS also on one connection, with each.
 */
export async function runStartScenarios(ctx: BenchContext, services: readonly StartService[]): Promise<ScenarioResult[]> {
  const results: ScenarioResult[] = [];
  const [mixed] = CASES.filter((c) => c.starts === MIXED_STARTS);
  const slowest = Math.max(...QRS_LATENCIES_MS);
  try {
    for (const start of services) {
      if (start.shipped) {
        for (const latencyMs of QRS_LATENCIES_MS) {
          for (const startCase of CASES) results.push(await runCase(ctx, start, startCase, latencyMs));
        }
      } else if (mixed !== undefined) {
        results.push(await runCase(ctx, start, mixed, slowest));
      }
      if (mixed !== undefined) results.push(await runCase(ctx, start, mixed, UNLOADED_QRS_LATENCY_MS, UNLOADED_CONNECTIONS));
      await start.service.close();
    }
  } finally {
    ctx.simulator.hooks.latencyMs = 0;
  }
  return results;
}
