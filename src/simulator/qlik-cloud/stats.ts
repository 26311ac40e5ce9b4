/** Endpoint name of requests no route matched. */
export const UNMATCHED_ENDPOINT = 'unmatched';

export interface CloudRecordedRequest {
  method: string;
  /** `METHOD /route/{template}` (or `unmatched`): what to count by, never the raw URL. */
  endpoint: string;
  /** Path as sent. */
  path: string;
  /** Raw query string without the leading `?`. */
  query: string;
  /** Status answered; 0 when the connection was destroyed without an answer. */
  status: number;
  /** Epoch ms of the request's arrival. */
  at: number;
}

export interface CloudRequestFilter {
  endpoint?: string;
  method?: string;
  /** Arrived at or after this epoch ms. */
  since?: number;
  /** Arrived before this epoch ms. */
  until?: number;
}

export interface CreatedReloadRecord {
  reloadId: string;
  appId: string;
  partial: boolean;
  variables: Readonly<Record<string, string>>;
  at: number;
}

export interface WebhookDeliveryRecord {
  reloadId: string;
  eventId: string;
  /** HTTP status of the receiver's answer; 0 when delivery failed (see `error`). */
  status: number;
  error?: string;
}

export interface QlikCloudSimulatorStats {
  readonly requests: readonly CloudRecordedRequest[];
  requestCount(filter?: CloudRequestFilter): number;
  /** Reloads created by `POST /api/v1/reloads`, in order. */
  readonly reloadsCreated: readonly CreatedReloadRecord[];
  /** OAuth access tokens granted. */
  readonly tokenGrants: number;
  /** Requests (of `endpoint`, or all) being handled now: arrived, not yet answered or abandoned. */
  inFlight(endpoint?: string): number;
  /** The most requests (of `endpoint`, or all) handled at once since the last reset. */
  peakInFlight(endpoint?: string): number;
  /** Every reload-finished event sent, and how its delivery went. */
  readonly webhookDeliveries: readonly WebhookDeliveryRecord[];
  /** Deliveries that got no 2xx answer. */
  readonly webhookFailures: number;
  reset(): void;
}

export interface CloudStatsRecorder {
  stats: QlikCloudSimulatorStats;
  recordRequest(request: CloudRecordedRequest): void;
  recordReloadCreated(record: CreatedReloadRecord): void;
  recordTokenGrant(): void;
  recordWebhookDelivery(record: WebhookDeliveryRecord): void;
  /** A request for `endpoint` arrived; call the returned function once it is answered or abandoned. */
  requestArrived(endpoint: string): () => void;
}

function matches(filter: CloudRequestFilter, request: CloudRecordedRequest): boolean {
  return (
    (filter.endpoint === undefined || request.endpoint === filter.endpoint) &&
    (filter.method === undefined || request.method === filter.method.toUpperCase()) &&
    (filter.since === undefined || request.at >= filter.since) &&
    (filter.until === undefined || request.at < filter.until)
  );
}

export function createCloudStatsRecorder(): CloudStatsRecorder {
  const requests: CloudRecordedRequest[] = [];
  const reloadsCreated: CreatedReloadRecord[] = [];
  const webhookDeliveries: WebhookDeliveryRecord[] = [];
  let tokenGrants = 0;
  // In flight now and the peak since the reset, per endpoint; the key '' counts all requests.
  const inFlight = new Map<string, number>();
  const peaks = new Map<string, number>();

  function change(key: string, by: number): void {
    const now = (inFlight.get(key) ?? 0) + by;
    inFlight.set(key, now);
    peaks.set(key, Math.max(peaks.get(key) ?? 0, now));
  }

  return {
    stats: {
      requests,
      requestCount: (filter = {}) => requests.filter((request) => matches(filter, request)).length,
      reloadsCreated,
      get tokenGrants() {
        return tokenGrants;
      },
      inFlight: (endpoint) => inFlight.get(endpoint ?? '') ?? 0,
      peakInFlight: (endpoint) => peaks.get(endpoint ?? '') ?? 0,
      webhookDeliveries,
      get webhookFailures() {
        return webhookDeliveries.filter((delivery) => delivery.status < 200 || delivery.status > 299).length;
      },
      reset() {
        requests.length = 0;
        reloadsCreated.length = 0;
        webhookDeliveries.length = 0;
        tokenGrants = 0;
        // Requests still being handled count from the reset on, as if they had just arrived.
        peaks.clear();
        for (const [key, count] of inFlight) peaks.set(key, count);
      },
    },
    recordRequest: (request) => requests.push(request),
    recordReloadCreated: (record) => reloadsCreated.push(record),
    recordTokenGrant: () => (tokenGrants += 1),
    recordWebhookDelivery: (record) => webhookDeliveries.push(record),
    requestArrived(endpoint) {
      change('', 1);
      change(endpoint, 1);
      let departed = false;
      return () => {
        if (departed) return;
        departed = true;
        change('', -1);
        change(endpoint, -1);
      };
    },
  };
}
