import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  generateCertBundle,
  startSimulator,
  writeCertBundle,
  type CertBundle,
  type CertPaths,
  type RunningSimulator,
  type SimTask,
} from '../../src/simulator/index.js';

export interface TestSimulator {
  sim: RunningSimulator;
  certs: CertBundle;
  /** The bundle written to a temp dir of its own, removed by close(). */
  certPaths: CertPaths;
  close(): Promise<void>;
}

let sharedBundle: Promise<CertBundle> | undefined;

/** One CA and cert pair per test process: generating is cheap, but not free. */
export function testCertBundle(): Promise<CertBundle> {
  sharedBundle ??= generateCertBundle();
  return sharedBundle;
}

/** A clock for the simulator that moves only when the test moves it. */
export interface ManualClock {
  readonly now: () => number;
  /** Moves the clock `ms` on. */
  advance(ms: number): void;
}

export function manualClock(startMs = Date.now()): ManualClock {
  let at = startMs;
  return {
    now: () => at,
    advance(ms) {
      at += ms;
    },
  };
}

/** Starts a simulator on 127.0.0.1:0 (demo fixture unless `tasks` is given). Close it in `t.after`. */
export async function startTestSimulator(opts: { tasks?: SimTask[]; clock?: ManualClock } = {}): Promise<TestSimulator> {
  const certs = await testCertBundle();
  const dir = await mkdtemp(join(tmpdir(), 'stg-sim-certs-'));
  const removeDir = (): Promise<void> => rm(dir, { recursive: true, force: true });
  try {
    const certPaths = await writeCertBundle(dir, certs);
    const clock = opts.clock ? { now: opts.clock.now } : {};
    const sim = await startSimulator({ certs, tasks: opts.tasks, host: '127.0.0.1', port: 0, ...clock });
    return {
      sim,
      certs,
      certPaths,
      async close() {
        await sim.close();
        await removeDir();
      },
    };
  } catch (err) {
    await removeDir();
    throw err;
  }
}

/** The `qrs` settings that reach this simulator over mutual TLS, verifying its certificate. */
export function qrsSettingsOf({ sim, certPaths }: TestSimulator) {
  return {
    host: '127.0.0.1',
    port: sim.port,
    rejectUnauthorized: true,
    clientCert: certPaths.clientCert,
    clientCertKey: certPaths.clientKey,
    clientCertCA: certPaths.ca,
  };
}
