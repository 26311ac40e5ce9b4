import type { ScenarioGroup } from './scenarios/types.js';

export type RunGroup = ScenarioGroup | 'memory';
export const RUN_GROUPS: readonly RunGroup[] = ['baseline', 'kv', 'start', 'memory'];

export type BenchArgs =
  | { kind: 'run'; quick: boolean; groups: readonly RunGroup[]; autocannon: boolean; cpuProfDir: string | null }
  | { kind: 'help' }
  | { kind: 'error'; message: string };

export const USAGE = `Usage: npm run bench -- [--quick] [--only <groups>]

  --quick          short smoke run (1 s per scenario, 2,000 requests for the memory check)
  --only <groups>  comma-separated subset of: ${RUN_GROUPS.join(', ')}
                   (key-value ratios need the baseline group in the same run)
  --autocannon     drive the load with autocannon even where wrk is installed
  --cpu-prof <dir> write a V8 CPU profile of every server child into <dir> (node --cpu-prof);
                   the bench process itself (QRS simulator) is profiled by running it with
                   node --cpu-prof
  --help           this text

A full run of every group also rewrites the latest-results section of bench/results/README.md.
`;

function parseGroups(value: string): RunGroup[] | string {
  const groups = value.split(',').map((g) => g.trim()).filter((g) => g !== '');
  const unknown = groups.filter((g) => !(RUN_GROUPS as readonly string[]).includes(g));
  if (unknown.length > 0 || groups.length === 0) return `--only takes ${RUN_GROUPS.join(', ')}; got "${value}"`;
  return groups as RunGroup[];
}

export function parseBenchArgs(argv: readonly string[]): BenchArgs {
  let quick = false;
  let autocannon = false;
  let cpuProfDir: string | null = null;
  let groups: readonly RunGroup[] = RUN_GROUPS;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? '';
    if (arg === '--help' || arg === '-h') return { kind: 'help' };
    if (arg === '--quick') {
      quick = true;
    } else if (arg === '--autocannon') {
      autocannon = true;
    } else if (arg === '--cpu-prof') {
      const value = argv[++i];
      if (value === undefined || value === '') return { kind: 'error', message: '--cpu-prof needs a folder' };
      cpuProfDir = value;
    } else if (arg === '--only' || arg.startsWith('--only=')) {
      const value = arg === '--only' ? argv[++i] : arg.slice('--only='.length);
      if (value === undefined) return { kind: 'error', message: '--only needs a value' };
      const parsed = parseGroups(value);
      if (typeof parsed === 'string') return { kind: 'error', message: parsed };
      groups = parsed;
    } else {
      return { kind: 'error', message: `unknown argument "${arg}"` };
    }
  }
  return { kind: 'run', quick, groups, autocannon, cpuProfDir };
}
