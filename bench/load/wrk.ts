import { execFile } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import type { LoadRequest, LoadResult, LoadSpec } from './drive-load.js';

const REQUEST_TIMEOUT_SECONDS = 10;
// The issue's measurements: 2 threads; wrk needs at least one connection per thread.
const MAX_THREADS = 2;
const RESULT_MARKER = 'STG-BENCH-RESULT ';

let found: string | null | undefined;

/** wrk's path when it is on the PATH, else null. */
export function wrkPath(): string | null {
  if (found !== undefined) return found;
  found = null;
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    const candidate = join(dir, 'wrk');
    try {
      accessSync(candidate, constants.X_OK);
      found = candidate;
      break;
    } catch {
      // not in this folder
    }
  }
  return found;
}

function luaString(text: string): string {
  return JSON.stringify(text); // a JSON string literal is a valid Lua string literal for this ASCII text
}

/**
 * The Lua script: each thread cycles through the requests (pre-formatted once), and done()
 * prints one JSON line with the totals and the latency percentiles (microseconds).
 */
function script(requests: readonly LoadRequest[]): string {
  const formatted = requests.map((request) => {
    const headers = request.body === undefined ? '{}' : '{ ["Content-Type"] = "application/json" }';
    const body = request.body === undefined ? 'nil' : luaString(request.body);
    return `wrk.format(${luaString(request.method)}, ${luaString(request.path)}, ${headers}, ${body})`;
  });
  return `
local requests = {}
local index = 0
init = function(args)
  ${formatted.map((f) => `table.insert(requests, ${f})`).join('\n  ')}
end
request = function()
  index = index % #requests + 1
  return requests[index]
end
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format('${RESULT_MARKER}{"durationMicros":%d,"requests":%d,"connect":%d,"read":%d,"write":%d,"status":%d,"timeout":%d,"p50":%d,"p90":%d,"p99":%d,"max":%d}\\n',
    summary.duration, summary.requests, e.connect, e.read, e.write, e.status, e.timeout,
    latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.max))
end
`;
}

interface WrkTotals {
  durationMicros: number;
  requests: number;
  connect: number;
  read: number;
  write: number;
  status: number;
  timeout: number;
  p50: number;
  p90: number;
  p99: number;
  max: number;
}

function run(wrk: string, args: readonly string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(wrk, [...args], { maxBuffer: 1024 * 1024 }, (error, stdout, stderr) =>
      error ? reject(new Error(`wrk failed: ${error.message}\n${stderr}`)) : resolve(stdout),
    );
  });
}

/** One wrk run of spec.durationSeconds against spec.url. */
export async function driveWrk(wrk: string, spec: LoadSpec & { durationSeconds: number }): Promise<LoadResult> {
  const dir = await mkdtemp(join(tmpdir(), 'stg-bench-wrk-'));
  try {
    const file = join(dir, 'requests.lua');
    await writeFile(file, script(spec.requests));
    const threads = Math.min(MAX_THREADS, spec.connections);
    const stdout = await run(wrk, [
      `-t${threads}`,
      `-c${spec.connections}`,
      `-d${Math.max(1, Math.round(spec.durationSeconds))}s`,
      `--timeout`,
      `${REQUEST_TIMEOUT_SECONDS}s`,
      '-s',
      file,
      spec.url,
    ]);
    const line = stdout.split('\n').find((l) => l.startsWith(RESULT_MARKER));
    if (line === undefined) throw new Error(`wrk printed no result:\n${stdout}`);
    const totals = JSON.parse(line.slice(RESULT_MARKER.length)) as WrkTotals;
    const seconds = totals.durationMicros / 1e6;
    const socketErrors = totals.connect + totals.read + totals.write + totals.timeout;
    return {
      connections: spec.connections,
      durationSeconds: seconds,
      sent: totals.requests,
      completed: totals.requests,
      requestsPerSecond: seconds > 0 ? totals.requests / seconds : 0,
      latencyMs: { p50: totals.p50 / 1000, p90: totals.p90 / 1000, p99: totals.p99 / 1000, max: totals.max / 1000 },
      // wrk's "status" errors are answers with a status of 400 or more.
      errors: socketErrors + totals.status,
      okCount: totals.requests - totals.status,
      statusCounts: {},
      generator: 'wrk',
    };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
