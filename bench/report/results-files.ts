import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { MemoryResult, ScenarioResult } from '../scenarios/types.js';
import { machineLine, type MachineInfo } from './machine.js';
import { markdownTable, markdownTargets, memorySummary } from './table.js';
import type { TargetCheck } from './targets.js';

export const RESULTS_DIR = fileURLToPath(new URL('../results/', import.meta.url));
const README = join(RESULTS_DIR, 'README.md');
const START_MARKER = '<!-- latest-results:start -->';
const END_MARKER = '<!-- latest-results:end -->';

export interface BenchRun {
  startedAt: string;
  profile: string;
  connections: number;
  throughputConnections: number;
  /** What drove the timed runs. */
  generator: string;
  durationSeconds: number;
  machine: MachineInfo;
  /** 1-minute load average when the run started and ended: other work on the machine skews results. */
  loadAverage: { atStart: number; atEnd: number };
  /** Median 4 KiB write + fdatasync in the SQLite folder, at the start and the end of the run. */
  diskSyncMs: { atStart: number; atEnd: number };
  scenarios: ScenarioResult[];
  memory: MemoryResult | null;
  targets: TargetCheck[];
  notes: string[];
}

/** Writes the run as bench/results/<date>.json (git-ignored) and returns its path. */
export async function writeRunJson(run: BenchRun): Promise<string> {
  await mkdir(RESULTS_DIR, { recursive: true });
  const file = join(RESULTS_DIR, `${run.startedAt.replace(/[:.]/g, '-')}.json`);
  await writeFile(file, `${JSON.stringify(run, null, 2)}\n`);
  return file;
}

/** Other load on the machine and the disk's sync time: both move results between runs. */
export function conditionsLine(run: BenchRun): string {
  const { loadAverage, diskSyncMs } = run;
  return (
    `1-minute load average ${loadAverage.atStart.toFixed(2)} at start, ${loadAverage.atEnd.toFixed(2)} at end; ` +
    `4 KiB write + fdatasync ${diskSyncMs.atStart.toFixed(2)} ms at start, ${diskSyncMs.atEnd.toFixed(2)} ms at end (median)`
  );
}

/** Connections and duration of the rows, for the heading of a run. */
export function loadShape(run: BenchRun): string {
  return (
    `${run.throughputConnections} connections for baselines, /health and key-value rows, ` +
    `${run.connections} for start rows unless a row says otherwise, ${run.durationSeconds} s per scenario after a warm-up`
  );
}

export function latestResultsMarkdown(run: BenchRun): string {
  const lines = [
    `Run ${run.startedAt} (\`npm run bench\`, load from ${run.generator}, ${loadShape(run)}).`,
    '',
    `Machine: ${machineLine(run.machine)}.`,
    '',
    `Conditions: ${conditionsLine(run)}.`,
    '',
    markdownTable(run.scenarios),
    '',
  ];
  if (run.memory) lines.push(`Memory check: ${memorySummary(run.memory)}.`, '');
  lines.push(markdownTargets(run.targets));
  for (const note of run.notes) lines.push('', `Note: ${note}`);
  return lines.join('\n');
}

/**
 * Replaces the text between the latest-results markers of bench/results/README.md (the
 * committed copy of the latest full run). Returns false when the markers are missing.
 */
export async function updateResultsReadme(run: BenchRun): Promise<boolean> {
  const text = await readFile(README, 'utf8');
  const start = text.indexOf(START_MARKER);
  const end = text.indexOf(END_MARKER);
  if (start === -1 || end < start) return false;
  const updated = `${text.slice(0, start + START_MARKER.length)}\n${latestResultsMarkdown(run)}\n${text.slice(end)}`;
  await writeFile(README, updated);
  return true;
}
