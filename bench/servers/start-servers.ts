import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadSettings, type KvBackend } from '../../src/config/index.js';
import type { RunGroup } from '../args.js';
import { writeButlerConfig } from '../butler-config.js';
import { compileServiceSources, type CompiledChildren } from './compile-sources.js';
import { forkServer, type ServerChild } from './fork-server.js';
import { TUNED_START_CONCURRENCY } from '../scenarios/start.js';
import type { BenchContext } from '../scenarios/types.js';

/** A service for start scenarios and the start concurrency it runs with. */
export interface StartService {
  service: ServerChild;
  startConcurrency: number;
  /** true: config/default.yaml's value; false: the tuned value. */
  shipped: boolean;
}

/** Every server child a run needs, started before any is measured. */
export interface BenchServers {
  baseline: ServerChild | null;
  bareHttp: ServerChild | null;
  kv: ReadonlyMap<KvBackend, ServerChild>;
  start: readonly StartService[];
  /** Fresh service for the memory check: no request reaches it before then. */
  memory: ServerChild | null;
  closeAll(): Promise<void>;
}

type Env = Pick<BenchContext, 'workDir' | 'certs' | 'simulator' | 'redisUrl' | 'serverNodeFlags'>;

type Wanted =
  | { role: 'baseline' }
  | { role: 'bareHttp' }
  | { role: 'kv'; backend: KvBackend }
  | { role: 'start'; startConcurrency: number | undefined }
  | { role: 'memory' };

/** What config/default.yaml sets, read through the config loader like any Butler file. */
function shippedStartConcurrency(env: Env): number {
  const file = join(env.workDir, 'shipped-defaults.yaml');
  writeFileSync(file, 'Butler: {}\n');
  return loadSettings(file, { env: {} }).startTask.startConcurrency;
}

function wantedFor(groups: readonly RunGroup[], redisUrl: string | null, shippedConcurrency: number): Wanted[] {
  const wanted: Wanted[] = [];
  if (groups.includes('baseline')) wanted.push({ role: 'bareHttp' }, { role: 'baseline' });
  if (groups.includes('kv')) {
    for (const backend of ['memory', 'sqlite', 'redis'] as const) {
      if (backend !== 'redis' || redisUrl !== null) wanted.push({ role: 'kv', backend });
    }
  }
  if (groups.includes('start')) {
    wanted.push({ role: 'start', startConcurrency: undefined });
    if (TUNED_START_CONCURRENCY !== shippedConcurrency) wanted.push({ role: 'start', startConcurrency: TUNED_START_CONCURRENCY });
  }
  if (groups.includes('memory')) wanted.push({ role: 'memory' });
  return wanted;
}

async function startOne(env: Env, entries: CompiledChildren, wanted: Wanted): Promise<ServerChild> {
  if (wanted.role === 'baseline') return forkServer(entries.baseline, [], env.serverNodeFlags);
  if (wanted.role === 'bareHttp') return forkServer(entries.bareHttp, [], env.serverNodeFlags);
  const common = { dir: env.workDir, qrsPort: env.simulator.port, certs: env.certs };
  const config =
    wanted.role === 'kv'
      ? { ...common, name: `kv-${wanted.backend}`, backend: wanted.backend, ...(env.redisUrl !== null ? { redisUrl: env.redisUrl } : {}) }
      : wanted.role === 'start'
        ? {
            ...common,
            name: `start-concurrency-${wanted.startConcurrency ?? 'shipped'}`,
            backend: 'memory' as const,
            ...(wanted.startConcurrency !== undefined ? { startConcurrency: wanted.startConcurrency } : {}),
          }
        : // The memory check runs the shipped defaults: SQLite store.
          { ...common, name: 'memory-check', backend: 'sqlite' as const };
  return forkServer(entries.service, [await writeButlerConfig(config)], env.serverNodeFlags);
}

/**
 * Compiles the sources, then starts all server children at once, so a run waits for
 * start-up once instead of once per scenario. Idle children cost no CPU while others are
 * measured.
 */
export async function startBenchServers(env: Env, groups: readonly RunGroup[]): Promise<BenchServers> {
  const shippedConcurrency = shippedStartConcurrency(env);
  const wanted = wantedFor(groups, env.redisUrl, shippedConcurrency);
  const entries = await compileServiceSources();
  const outcomes = await Promise.allSettled(wanted.map((w) => startOne(env, entries, w)));
  const started = outcomes.flatMap((o) => (o.status === 'fulfilled' ? [o.value] : []));
  const closeAll = async () => {
    await Promise.all(started.map((server) => server.close()));
    await entries.remove();
  };
  const failure = outcomes.find((o): o is PromiseRejectedResult => o.status === 'rejected');
  if (failure) {
    await closeAll();
    throw failure.reason;
  }

  const kv = new Map<KvBackend, ServerChild>();
  const start: StartService[] = [];
  let baseline: ServerChild | null = null;
  let bareHttp: ServerChild | null = null;
  let memory: ServerChild | null = null;
  for (const [i, w] of wanted.entries()) {
    const server = started[i];
    if (server === undefined) continue;
    if (w.role === 'baseline') baseline = server;
    else if (w.role === 'bareHttp') bareHttp = server;
    else if (w.role === 'kv') kv.set(w.backend, server);
    else if (w.role === 'start') {
      start.push({ service: server, startConcurrency: w.startConcurrency ?? shippedConcurrency, shipped: w.startConcurrency === undefined });
    }
    else memory = server;
  }
  return { baseline, bareHttp, kv, start, memory, closeAll };
}
