import autocannon, { type AutocannonRequest, type AutocannonResult } from 'autocannon';
import { createLatencyRecorder, type LatencySummary } from './latency-recorder.js';
import { driveWrk, wrkPath } from './wrk.js';

export interface LoadRequest {
  method: 'GET' | 'POST' | 'PUT';
  path: string;
  /** JSON text; sent with Content-Type application/json. */
  body?: string;
}

/** How long a run lasts: a number of seconds, or a number of requests. */
export type LoadLength = { durationSeconds: number } | { amount: number };

export type LoadSpec = LoadLength & {
  /** Base URL of the server, e.g. http://127.0.0.1:41234 */
  url: string;
  connections: number;
  /** Every connection cycles through these in order. */
  requests: readonly LoadRequest[];
  /** autocannon when absent. */
  generator?: LoadGenerator;
};

export interface LoadResult {
  connections: number;
  durationSeconds: number;
  /** Requests written to a socket (some may be cut off when the run ends). */
  sent: number;
  /** Responses received, any status. */
  completed: number;
  requestsPerSecond: number;
  latencyMs: LatencySummary;
  /** Connection errors, timeouts and non-2xx answers. */
  errors: number;
  /** 2xx answers. */
  okCount: number;
  /** Count of each status code received (autocannon only; wrk counts 2xx/3xx against the rest). */
  statusCounts: Record<string, number>;
  /** What generated the load. */
  generator: LoadGenerator;
}

/** wrk runs in its own process (C, no JIT or GC), so the load generator steals less CPU than autocannon. */
export type LoadGenerator = 'wrk' | 'autocannon';

// A request still unanswered after this long is a failure worth counting, not a latency.
const REQUEST_TIMEOUT_SECONDS = 10;

function toAutocannonRequest(request: LoadRequest): AutocannonRequest {
  const out: AutocannonRequest = { method: request.method, path: request.path };
  if (request.body !== undefined) {
    out.body = request.body;
    out.headers = { 'content-type': 'application/json' };
  }
  return out;
}

function summarise(connections: number, result: AutocannonResult, latencyMs: LatencySummary): LoadResult {
  const statusCounts: Record<string, number> = {};
  for (const [status, { count }] of Object.entries(result.statusCodeStats)) statusCounts[status] = count;
  const completed = Object.values(statusCounts).reduce((sum, n) => sum + n, 0);
  const okCount = Object.entries(statusCounts).reduce((sum, [status, n]) => sum + (status.startsWith('2') ? n : 0), 0);
  return {
    connections,
    durationSeconds: result.duration,
    sent: result.requests.sent,
    completed,
    requestsPerSecond: result.duration > 0 ? completed / result.duration : 0,
    latencyMs,
    // autocannon counts timeouts among errors already.
    errors: result.errors + result.non2xx,
    okCount,
    statusCounts,
    generator: 'autocannon',
  };
}

/**
 * Drives HTTP load and measures it: with wrk when asked and installed (and the run has a
 * duration; wrk cannot stop after a number of requests), else with autocannon in this process.
 */
export function driveLoad(spec: LoadSpec): Promise<LoadResult> {
  const wrk = wrkPath();
  if (spec.generator === 'wrk' && wrk !== null && 'durationSeconds' in spec) return driveWrk(wrk, spec);
  return driveAutocannon(spec);
}

/** wrk where installed, else autocannon. */
export function defaultGenerator(): LoadGenerator {
  return wrkPath() !== null ? 'wrk' : 'autocannon';
}

function driveAutocannon(spec: LoadSpec): Promise<LoadResult> {
  const latencies = createLatencyRecorder();
  return new Promise((resolve, reject) => {
    const instance = autocannon(
      {
        url: spec.url,
        connections: spec.connections,
        ...('amount' in spec ? { amount: spec.amount } : { duration: spec.durationSeconds }),
        timeout: REQUEST_TIMEOUT_SECONDS,
        requests: spec.requests.map(toAutocannonRequest),
      },
      (error, result) => (error ? reject(error) : resolve(summarise(spec.connections, result, latencies.summary()))),
    );
    instance.on('response', (_client, _status, _bytes, responseTimeMs) => latencies.record(responseTimeMs));
  });
}
