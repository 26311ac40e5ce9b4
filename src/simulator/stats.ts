export interface RecordedRequest {
  method: string;
  /** Path as the client sent it (case preserved). */
  path: string;
  /** Raw query string without the leading `?`. */
  query: string;
  /** Status answered; 0 when the connection was dropped by the `dropConnections` hook. */
  status: number;
}

export interface SimulatorStats {
  requestCount(filter?: { method?: string; pathPrefix?: string }): number;
  readonly requests: readonly RecordedRequest[];
  /** Ids of tasks actually started, in order (disabled or failing starts are not here). */
  readonly starts: readonly string[];
  reset(): void;
}

export interface StatsRecorder {
  stats: SimulatorStats;
  recordRequest(request: RecordedRequest): void;
  recordStart(taskId: string): void;
}

export function createStatsRecorder(): StatsRecorder {
  const requests: RecordedRequest[] = [];
  const starts: string[] = [];
  return {
    stats: {
      requestCount(filter = {}) {
        const method = filter.method?.toUpperCase();
        const prefix = filter.pathPrefix?.toLowerCase();
        return requests.filter(
          (r) => (method === undefined || r.method === method) && (prefix === undefined || r.path.toLowerCase().startsWith(prefix)),
        ).length;
      },
      requests,
      starts,
      reset() {
        requests.length = 0;
        starts.length = 0;
      },
    },
    recordRequest: (request) => requests.push(request),
    recordStart: (taskId) => starts.push(taskId),
  };
}
