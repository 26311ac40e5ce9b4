import { collectDefaultMetrics, Counter, Histogram, Registry } from 'prom-client';

/** How a QRS call ended: answered and understood, or which way it failed. */
export type QrsCallOutcome = 'ok' | 'timeout' | 'unavailable' | 'error';

/** How a key-value operation ended: done, refused by a limit (an answer), or the backend failed. */
export type KvOperationOutcome = 'ok' | 'refused' | 'error';

export interface StartOutcomeCounts {
  readonly started: number;
  /** Of `started`, the Qlik Cloud apps (the rest are QRS tasks). */
  readonly startedOnQlikCloud: number;
  readonly failed: number;
  readonly denied: number;
  readonly invalid: number;
  /** Starts whose answer was lost: QRS may or may not have started the task. */
  readonly unconfirmed: number;
}

/** What the QRS transport reports; every operation label is a path pattern, never an id. */
export interface QrsCallMetrics {
  qrsCall(operation: string, outcome: QrsCallOutcome, seconds: number): void;
}

/** What the Qlik Cloud client reports: one per request sent; labels never carry an id. */
export interface QlikCloudCallMetrics {
  qlikCloudCall(operation: string, statusClass: string, seconds: number): void;
}

export interface KvOperationMetrics {
  kvOperation(operation: string, backend: string, outcome: KvOperationOutcome): void;
}

/**
 * The service's Prometheus metrics, in a registry of their own (one per app, no global
 * one), so two apps in one process (tests) never share or clash. Recording is a counter
 * increment or a histogram observation: it runs on every request.
 */
export interface ServiceMetrics extends QrsCallMetrics, QlikCloudCallMetrics, KvOperationMetrics {
  readonly registry: Registry;
  /** `route` is the route pattern (`/v4/keyvalues/:namespace`) or `unmatched`, never the URL. */
  httpRequest(route: string, method: string, statusCode: number, seconds: number): void;
  startOutcome(counts: StartOutcomeCounts): void;
}

const HTTP_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
const QRS_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];
const BACKENDS = ['qlik-sense', 'qlik-cloud'] as const;

export function createServiceMetrics(): ServiceMetrics {
  const registry = new Registry();
  // Standard names (process_*, nodejs_*), so the usual Node.js dashboards and alerts work.
  collectDefaultMetrics({ register: registry });
  const registers = [registry];

  const httpRequests = new Counter({
    name: 'stg_http_requests_total',
    help: 'HTTP requests answered, by route pattern, method and status code',
    labelNames: ['route', 'method', 'status'] as const,
    registers,
  });
  const httpDuration = new Histogram({
    name: 'stg_http_request_duration_seconds',
    help: 'Time from receiving a request to sending its answer, by route pattern',
    labelNames: ['route'] as const,
    buckets: HTTP_BUCKETS,
    registers,
  });
  const qrsRequests = new Counter({
    name: 'stg_qrs_requests_total',
    help: 'QRS calls (retries included in one call), by operation and outcome',
    labelNames: ['operation', 'outcome'] as const,
    registers,
  });
  const qrsDuration = new Histogram({
    name: 'stg_qrs_request_duration_seconds',
    help: 'Duration of QRS calls, retries included, by operation',
    labelNames: ['operation'] as const,
    buckets: QRS_BUCKETS,
    registers,
  });
  const qlikCloudRequests = new Counter({
    name: 'stg_qlik_cloud_requests_total',
    help: 'Requests sent to Qlik Cloud (each retry is one), by operation and status class (none: no answer)',
    labelNames: ['operation', 'status'] as const,
    registers,
  });
  const qlikCloudDuration = new Histogram({
    name: 'stg_qlik_cloud_request_duration_seconds',
    help: 'Duration of requests to Qlik Cloud (not their wait for a turn), by operation and status class',
    labelNames: ['operation', 'status'] as const,
    buckets: QRS_BUCKETS,
    registers,
  });
  const tasksStarted = new Counter({
    name: 'stg_tasks_started_total',
    help: 'Tasks (QRS) and apps (Qlik Cloud) confirmed as started, by backend',
    labelNames: ['backend'] as const,
    registers,
  });
  // Both series exist from the start, so a rate over them is 0 rather than absent.
  for (const backend of BACKENDS) tasksStarted.inc({ backend }, 0);
  const tasksFailed = new Counter({ name: 'stg_tasks_failed_total', help: 'Tasks QRS refused or failed to start', registers });
  const tasksDenied = new Counter({
    name: 'stg_tasks_denied_total',
    help: 'Task IDs, tags and custom property values refused by Butler.startTaskFilter or allTaskIdsMustExist',
    registers,
  });
  const tasksInvalid = new Counter({
    name: 'stg_tasks_invalid_total',
    help: 'Task IDs that are not GUIDs or that QRS does not know',
    registers,
  });
  const tasksUnconfirmed = new Counter({
    name: 'stg_tasks_unconfirmed_total',
    help: 'Task starts whose answer was lost: QRS may or may not have started them',
    registers,
  });
  const kvOperations = new Counter({
    name: 'stg_kv_operations_total',
    help: 'Key-value store operations, by operation, backend and outcome',
    labelNames: ['operation', 'backend', 'outcome'] as const,
    registers,
  });

  return {
    registry,
    httpRequest(route, method, statusCode, seconds) {
      httpRequests.inc({ route, method, status: statusCode });
      httpDuration.observe({ route }, seconds);
    },
    qrsCall(operation, outcome, seconds) {
      qrsRequests.inc({ operation, outcome });
      qrsDuration.observe({ operation }, seconds);
    },
    qlikCloudCall(operation, statusClass, seconds) {
      qlikCloudRequests.inc({ operation, status: statusClass });
      qlikCloudDuration.observe({ operation, status: statusClass }, seconds);
    },
    startOutcome({ started, startedOnQlikCloud, failed, denied, invalid, unconfirmed }) {
      if (started > startedOnQlikCloud) tasksStarted.inc({ backend: 'qlik-sense' }, started - startedOnQlikCloud);
      if (startedOnQlikCloud > 0) tasksStarted.inc({ backend: 'qlik-cloud' }, startedOnQlikCloud);
      if (failed > 0) tasksFailed.inc(failed);
      if (denied > 0) tasksDenied.inc(denied);
      if (invalid > 0) tasksInvalid.inc(invalid);
      if (unconfirmed > 0) tasksUnconfirmed.inc(unconfirmed);
    },
    kvOperation(operation, backend, outcome) {
      kvOperations.inc({ operation, backend, outcome });
    },
  };
}
