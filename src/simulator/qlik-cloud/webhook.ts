import { createHmac, randomUUID } from 'node:crypto';
import { request, type ClientRequest } from 'node:http';
import type { QlikCloudSimulatorHooks } from './hooks.js';
import { reloadError } from './reload-json.js';
import { API_RELOAD_TYPE, type SimReload } from './reloads.js';
import type { WebhookDeliveryRecord } from './stats.js';
import { isoTime, TENANT_ID } from './tenant.js';

export const RELOAD_FINISHED_EVENT_TYPE = 'com.qlik.v1.reload.finished';
const DELIVERY_TIMEOUT_MS = 10_000;

/** `Qlik-Signature`: lowercase hex HMAC-SHA256 of the raw body, keyed with the webhook's secret [DOC]. */
export function qlikSignature(rawBody: string, secret: string): string {
  return createHmac('sha256', secret).update(rawBody).digest('hex');
}

/** The CloudEvents 1.0 event Qlik publishes once per reload when it ends [DOC]. */
export function reloadFinishedEvent(reload: SimReload, eventId: string, now: number): Record<string, unknown> {
  const durationMs = reload.startTime === undefined || reload.endTime === undefined ? 0 : reload.endTime - reload.startTime;
  return {
    specversion: '1.0',
    type: RELOAD_FINISHED_EVENT_TYPE,
    source: 'com.qlik/reloads',
    id: eventId,
    time: isoTime(now),
    datacontenttype: 'application/json',
    tenantid: TENANT_ID,
    userid: reload.userId,
    data: {
      id: reload.id,
      appId: reload.appId,
      status: reload.status,
      succeeded: reload.status === 'SUCCEEDED',
      ...reloadError(reload),
      ...(reload.startTime === undefined ? {} : { startTime: isoTime(reload.startTime) }),
      ...(reload.endTime === undefined ? {} : { endTime: isoTime(reload.endTime) }),
      durationSeconds: Math.round(durationMs / 1000),
      partial: reload.partial,
      type: API_RELOAD_TYPE,
      tenantId: TENANT_ID,
      userId: reload.userId,
    },
  };
}

export interface WebhookSender {
  /** Sends the reload's finished event if a webhook URL is set; never throws, failures are recorded. */
  send(reload: SimReload): void;
  /** Abandons deliveries still under way. */
  close(): void;
}

export function createWebhookSender(hooks: QlikCloudSimulatorHooks, now: () => number, record: (delivery: WebhookDeliveryRecord) => void): WebhookSender {
  const pending = new Set<ClientRequest>();

  function headersFor(body: string): Record<string, string> {
    const headers: Record<string, string> = { 'content-type': 'application/json', 'user-agent': 'Qlik Webhook' };
    if (hooks.webhookSecret === null) return headers;
    const wrong = hooks.wronglySignedEvents > 0;
    if (wrong) hooks.wronglySignedEvents -= 1;
    headers['qlik-signature'] = qlikSignature(body, wrong ? `not-${hooks.webhookSecret}` : hooks.webhookSecret);
    return headers;
  }

  return {
    send(reload) {
      if (hooks.webhookUrl === null) return;
      const eventId = randomUUID();
      const outcome = (status: number, error?: string): WebhookDeliveryRecord => ({
        reloadId: reload.id,
        eventId,
        status,
        ...(error === undefined ? {} : { error }),
      });
      const url = URL.canParse(hooks.webhookUrl) ? new URL(hooks.webhookUrl) : null;
      // Qlik requires https to a host name [DOC]; the simulator posts over plain http to reach a local receiver.
      if (url?.protocol !== 'http:') {
        record(outcome(0, `the webhook URL must be an http: URL (got ${hooks.webhookUrl})`));
        return;
      }
      const body = JSON.stringify(reloadFinishedEvent(reload, eventId, now()));
      const req = request(url, { method: 'POST', headers: headersFor(body), agent: false, timeout: DELIVERY_TIMEOUT_MS });
      pending.add(req);
      // Records the outcome once, unless close() abandoned the delivery first.
      const settle = (delivery: WebhookDeliveryRecord): void => {
        if (pending.delete(req)) record(delivery);
      };
      req.once('response', (res) => {
        res.once('error', (err) => settle(outcome(0, err.message)));
        res.once('end', () => settle(outcome(res.statusCode ?? 0)));
        res.resume();
      });
      req.once('timeout', () => req.destroy(new Error(`no answer within ${DELIVERY_TIMEOUT_MS} ms`)));
      req.once('error', (err) => settle(outcome(0, err.message)));
      req.end(body);
    },
    close() {
      for (const req of pending) req.destroy();
      pending.clear();
    },
  };
}
