import type { CertPaths, RunningSimulator } from '../../src/simulator/index.js';
import type { UsageSample } from '../child/messages.js';
import type { LoadGenerator, LoadResult } from '../load/drive-load.js';

/** How long and how hard each scenario runs. */
export interface BenchProfile {
  name: 'full' | 'quick';
  /** Start scenarios and the memory check (a handful of upstream callers). */
  connections: number;
  /** Baselines, /health and key-value scenarios: enough to keep one Node process busy. */
  throughputConnections: number;
  durationSeconds: number;
  /** Run before each measured run and thrown away (JIT, connection pools, SQLite cache). */
  warmupSeconds: number;
  memoryRequests: number;
  memoryWarmupRequests: number;
  /** What drives the timed runs (the memory check counts requests, so it always uses autocannon). */
  generator: LoadGenerator;
}

/** What every scenario may use; each starts and closes its own server children. */
export interface BenchContext {
  profile: BenchProfile;
  /** Temp folder for config files, certificates and SQLite files. */
  workDir: string;
  certs: CertPaths;
  simulator: RunningSimulator;
  /** null when redis-server could not be started (the redis scenarios are skipped). */
  redisUrl: string | null;
  /** Says what is running now (progress on stderr). */
  progress(message: string): void;
  /** Extra node flags for every server child (`--cpu-prof`). */
  serverNodeFlags: readonly string[];
}

export type ScenarioGroup = 'baseline' | 'kv' | 'start';

/** CPU time a process used during a measured run. */
export interface CpuUse {
  msPerRequest: number;
  /** CPU seconds per second of the run: 1 means one core kept busy. */
  coresUsed: number;
}

export interface ScenarioResult {
  id: string;
  group: ScenarioGroup;
  title: string;
  load: LoadResult;
  /** The service or baseline child. */
  serverCpu: CpuUse;
  /** This process: the load generator, plus the QRS simulator in start scenarios. */
  benchCpu: CpuUse;
  /** The baseline scenario whose requests/s this one is compared with. */
  baselineId?: string;
  /** The bare node:http scenario (one Node process's practical limit) it is also compared with. */
  limitId?: string;
  /** Simulated QRS latency per request (start scenarios). */
  qrsLatencyMs?: number;
  qrsRequestsPerRequest?: number;
  qrsStartsPerRequest?: number;
  /** Butler.startTask.startConcurrency of the service measured (start scenarios). */
  startConcurrency?: number;
}

export interface MemoryResult {
  requests: number;
  warmupRequests: number;
  requestsPerSecond: number;
  errors: number;
  /** After the warm-up, then after each slice of the requests; each after a garbage collection. */
  samples: UsageSample[];
}
