/**
 * `npm run bench` (or `npm run bench -- --quick`): starts the QRS simulator here, the
 * service and a bare Fastify baseline in child processes on free loopback ports, drives
 * them with autocannon, prints a table with ratios and targets, and writes
 * bench/results/<date>.json. Benchmarks are not tests: nothing here asserts a timing.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { generateCertBundle, startSimulator, writeCertBundle } from '../src/simulator/index.js';
import { startRedis } from '../test/helpers/redis.js';
import { parseBenchArgs, RUN_GROUPS, USAGE, type BenchArgs } from './args.js';
import { BENCH_TASKS } from './fixture.js';
import { describeMachine, machineLine } from './report/machine.js';
import { medianDiskSyncMs } from './report/disk-sync.js';
import { conditionsLine, loadShape, updateResultsReadme, writeRunJson, type BenchRun } from './report/results-files.js';
import { memorySummary, targetLines, textTable } from './report/table.js';
import { checkTargets } from './report/targets.js';
import { runBaselineScenarios } from './scenarios/baseline.js';
import { runKvScenarios } from './scenarios/kv.js';
import { runMemoryCheck } from './scenarios/memory.js';
import { runStartScenarios } from './scenarios/start.js';
import { defaultGenerator } from './load/drive-load.js';
import { startBenchServers, type BenchServers } from './servers/start-servers.js';
import type { BenchContext, BenchProfile, MemoryResult, ScenarioResult } from './scenarios/types.js';

type Profile = Omit<BenchProfile, 'generator'>;

const FULL: Profile = {
  name: 'full',
  connections: 10,
  throughputConnections: 32,
  durationSeconds: 10,
  warmupSeconds: 3,
  memoryRequests: 100_000,
  memoryWarmupRequests: 10_000,
};

const QUICK: Profile = {
  name: 'quick',
  connections: 10,
  throughputConnections: 32,
  durationSeconds: 1,
  warmupSeconds: 0.3,
  memoryRequests: 2_000,
  memoryWarmupRequests: 500,
};

type Cleanup = () => Promise<void>;

function progressReporter(began: number): (message: string) => void {
  return (message) => {
    const seconds = Math.round((Date.now() - began) / 1000);
    process.stderr.write(`[bench ${String(Math.floor(seconds / 60))}:${String(seconds % 60).padStart(2, '0')}] ${message}\n`);
  };
}

async function startRedisOrSkip(cleanups: Cleanup[]): Promise<{ url: string | null; skipReason: string | null }> {
  try {
    const redis = await startRedis();
    cleanups.push(() => redis.stop());
    return { url: redis.url, skipReason: null };
  } catch (error) {
    return { url: null, skipReason: error instanceof Error ? error.message : String(error) };
  }
}

async function runGroups(ctx: BenchContext, servers: BenchServers): Promise<{ scenarios: ScenarioResult[]; memory: MemoryResult | null }> {
  const scenarios: ScenarioResult[] = [];
  if (servers.baseline && servers.bareHttp) {
    scenarios.push(...(await runBaselineScenarios(ctx, { fastify: servers.baseline, bareHttp: servers.bareHttp })));
  }
  scenarios.push(...(await runKvScenarios(ctx, servers.kv)));
  scenarios.push(...(await runStartScenarios(ctx, servers.start)));
  const memory = servers.memory ? await runMemoryCheck(ctx, servers.memory) : null;
  return { scenarios, memory };
}

function printRun(run: BenchRun): void {
  const out = [
    '',
    `sense-task-gateway benchmarks (${run.profile}), load from ${run.generator}: ${loadShape(run)}`,
    `Machine: ${machineLine(run.machine)}`,
    `Conditions: ${conditionsLine(run)}`,
    '',
    textTable(run.scenarios),
    '',
  ];
  if (run.memory) out.push(`Memory check: ${memorySummary(run.memory)}`, '');
  out.push('Targets (reported, not asserted):', ...targetLines(run.targets).map((line) => `  ${line}`));
  for (const note of run.notes) out.push(`Note: ${note}`);
  process.stdout.write(`${out.join('\n')}\n\n`);
}

async function bench(args: Extract<BenchArgs, { kind: 'run' }>): Promise<void> {
  const { quick, groups, autocannon, cpuProfDir } = args;
  const profile: BenchProfile = { ...(quick ? QUICK : FULL), generator: autocannon ? 'autocannon' : defaultGenerator() };
  const startedAt = new Date().toISOString();
  const loadAtStart = loadavg()[0] ?? 0;
  const progress = progressReporter(Date.now());
  const workDir = await mkdtemp(join(tmpdir(), 'stg-bench-'));
  const cleanups: Cleanup[] = [() => rm(workDir, { recursive: true, force: true })];
  try {
    const diskSyncAtStart = await medianDiskSyncMs(workDir);
    const bundle = await generateCertBundle();
    const certs = await writeCertBundle(join(workDir, 'certs'), bundle);
    const simulator = await startSimulator({ certs: bundle, tasks: [...BENCH_TASKS], host: '127.0.0.1', port: 0 });
    cleanups.push(() => simulator.close());
    const redis = groups.includes('kv') ? await startRedisOrSkip(cleanups) : { url: null, skipReason: null };

    if (redis.skipReason !== null) progress(`key-value on redis skipped: ${redis.skipReason}`);
    const serverNodeFlags = cpuProfDir === null ? [] : ['--cpu-prof', `--cpu-prof-dir=${resolve(cpuProfDir)}`];
    const ctx: BenchContext = { profile, workDir, certs, simulator, redisUrl: redis.url, progress, serverNodeFlags };
    progress('starting the service and baseline processes');
    const servers = await startBenchServers(ctx, groups);
    cleanups.push(() => servers.closeAll());
    const { scenarios, memory } = await runGroups(ctx, servers);
    const run: BenchRun = {
      startedAt,
      profile: profile.name,
      connections: profile.connections,
      throughputConnections: profile.throughputConnections,
      generator: profile.generator,
      durationSeconds: profile.durationSeconds,
      machine: describeMachine(),
      loadAverage: { atStart: loadAtStart, atEnd: loadavg()[0] ?? 0 },
      diskSyncMs: { atStart: diskSyncAtStart, atEnd: await medianDiskSyncMs(workDir) },
      scenarios,
      memory,
      targets: checkTargets(scenarios, memory),
      notes: redis.skipReason === null ? [] : [`key-value on redis skipped: ${redis.skipReason}`],
    };
    printRun(run);
    const jsonFile = await writeRunJson(run);
    process.stdout.write(`Results written to ${relative(process.cwd(), jsonFile)}\n`);
    if (!quick && RUN_GROUPS.every((group) => groups.includes(group))) {
      const updated = await updateResultsReadme(run);
      process.stdout.write(updated ? 'bench/results/README.md: latest results updated\n' : 'bench/results/README.md: markers not found, not updated\n');
    }
  } finally {
    for (const cleanup of cleanups.reverse()) await cleanup();
  }
}

async function main(): Promise<number> {
  const args = parseBenchArgs(process.argv.slice(2));
  if (args.kind === 'help') {
    process.stdout.write(USAGE);
    return 0;
  }
  if (args.kind === 'error') {
    process.stderr.write(`${args.message}\n\n${USAGE}`);
    return 2;
  }
  await bench(args);
  return 0;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`bench failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exitCode = 1;
  },
);
