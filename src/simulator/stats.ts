export interface RecordedRequest {
  method: string;
  /** Path as the client sent it (case preserved). */
  path: string;
  /** Raw query string without the leading `?`. */
  query: string;
  /** Status answered; 0 when none was (the `dropConnections`, `dropAfterStart` and `unansweredStarts` faults). */
  status: number;
}

export interface RequestFilter {
  method?: string;
  pathPrefix?: string;
}

export interface SimulatorStats {
  requestCount(filter?: RequestFilter): number;
  readonly requests: readonly RecordedRequest[];
  /** Ids of tasks actually started, in order (disabled or failing starts are not here). */
  readonly starts: readonly string[];
  /**
   * Highest number of requests (matching `filter`) being handled at the same moment since the
   * last reset: from arrival until the answer is sent or the connection is gone.
   */
  peakInFlight(filter?: RequestFilter): number;
  /** Highest number of client connections open at the same moment since the last reset. */
  readonly peakConnections: number;
  /** Client connections open now. */
  readonly openConnections: number;
  /**
   * Mutual-TLS handshakes completed since the last reset, and how many of them resumed an
   * earlier TLS session. A client that keeps its connections alive does one for many requests.
   */
  readonly tlsHandshakes: { readonly total: number; readonly resumed: number };
  reset(): void;
}

export interface StatsRecorder {
  stats: SimulatorStats;
  recordRequest(request: RecordedRequest): void;
  recordStart(taskId: string): void;
  /** A request arrived; call the returned function once it is answered or abandoned. */
  requestArrived(method: string, path: string): () => void;
  /** A connection opened; call the returned function once it is closed. */
  connectionOpened(): () => void;
  /** A TLS handshake completed; `resumed` when it resumed an earlier session. */
  tlsHandshakeDone(resumed: boolean): void;
}

/** One request's stay, as positions in the order of arrivals and departures (never wall-clock). */
interface Stay {
  readonly method: string;
  readonly path: string;
  readonly arrived: number;
  departed: number | undefined;
}

function matches(filter: RequestFilter, method: string, path: string): boolean {
  const wantedMethod = filter.method?.toUpperCase();
  const prefix = filter.pathPrefix?.toLowerCase();
  return (wantedMethod === undefined || method === wantedMethod) && (prefix === undefined || path.toLowerCase().startsWith(prefix));
}

/** The most stays overlapping at any one moment: a sweep over arrivals (+1) and departures (-1). */
function peakOverlap(stays: readonly Stay[]): number {
  const events: [position: number, change: number][] = [];
  for (const stay of stays) {
    events.push([stay.arrived, 1]);
    if (stay.departed !== undefined) events.push([stay.departed, -1]);
  }
  events.sort((a, b) => a[0] - b[0]);
  let current = 0;
  let peak = 0;
  for (const [, change] of events) {
    current += change;
    peak = Math.max(peak, current);
  }
  return peak;
}

export function createStatsRecorder(): StatsRecorder {
  const requests: RecordedRequest[] = [];
  const starts: string[] = [];
  let stays: Stay[] = [];
  let position = 0;
  let openConnections = 0;
  let peakConnections = 0;
  const tlsHandshakes = { total: 0, resumed: 0 };
  return {
    stats: {
      requestCount(filter = {}) {
        return requests.filter((r) => matches(filter, r.method, r.path)).length;
      },
      requests,
      starts,
      peakInFlight(filter = {}) {
        return peakOverlap(stays.filter((stay) => matches(filter, stay.method, stay.path)));
      },
      get peakConnections() {
        return peakConnections;
      },
      get openConnections() {
        return openConnections;
      },
      get tlsHandshakes() {
        return { ...tlsHandshakes };
      },
      reset() {
        requests.length = 0;
        starts.length = 0;
        // Requests still being handled count from the reset on, as if they had just arrived.
        stays = stays.filter((stay) => stay.departed === undefined);
        peakConnections = openConnections;
        tlsHandshakes.total = 0;
        tlsHandshakes.resumed = 0;
      },
    },
    recordRequest: (request) => requests.push(request),
    recordStart: (taskId) => starts.push(taskId),
    tlsHandshakeDone(resumed) {
      tlsHandshakes.total += 1;
      if (resumed) tlsHandshakes.resumed += 1;
    },
    requestArrived(method, path) {
      const stay: Stay = { method: method.toUpperCase(), path, arrived: position++, departed: undefined };
      stays.push(stay);
      return () => {
        stay.departed ??= position++;
      };
    },
    connectionOpened() {
      openConnections += 1;
      peakConnections = Math.max(peakConnections, openConnections);
      let closed = false;
      return () => {
        if (closed) return;
        closed = true;
        openConnections -= 1;
      };
    },
  };
}
