/**
 * Qlik Cloud's reload-finished webhook events: the signature check and the event's reading.
 * Pure; the route (src/http/routes/qlik-cloud-webhook.ts) answers with what these say.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { QLIK_CLOUD_ID_PATTERN } from '../config/settings.js';
import { BadRequestError, kindOf } from '../errors.js';
import { FINAL_CLOUD_STATUSES } from '../executions/index.js';
import type { CloudReload } from '../qlikcloud/types.js';

export const RELOAD_FINISHED_EVENT_TYPE = 'com.qlik.v1.reload.finished';

/** 32 bytes as lowercase hex (upper case is taken too: it is the same digest). */
const SIGNATURE_PATTERN = /^[0-9a-fA-F]{64}$/;

/**
 * Whether `header` (Qlik-Signature) is the HMAC-SHA256 of the raw body keyed with the secret.
 * The comparison takes the same time wherever the two differ.
 */
export function signatureMatches(rawBody: Buffer, header: string | string[] | undefined, secret: string): boolean {
  if (typeof header !== 'string' || !SIGNATURE_PATTERN.test(header)) return false;
  const expected = createHmac('sha256', secret).update(rawBody).digest();
  return timingSafeEqual(Buffer.from(header, 'hex'), expected);
}

/** A reload-finished event's reload, or why the event is acknowledged without being used. */
export type WebhookEvent = { readonly kind: 'reloadFinished'; readonly reload: CloudReload } | { readonly kind: 'ignored'; readonly reason: string };

function field(object: Record<string, unknown>, name: string, where: string): string {
  const value = object[name];
  if (typeof value !== 'string' || value === '') throw new BadRequestError(`${where}.${name} must be a non-empty string (got ${kindOf(value)})`);
  return value;
}

/** Ids end up in Qlik Cloud URL paths (the script log's): only the characters such an id may have. */
function cloudId(object: Record<string, unknown>, name: string, where: string): string {
  const value = field(object, name, where);
  if (!QLIK_CLOUD_ID_PATTERN.test(value)) {
    throw new BadRequestError(`${where}.${name} must be a Qlik Cloud id of 1-64 letters, digits, "-", "_", "~" or "." (got ${JSON.stringify(value.slice(0, 60))})`);
  }
  return value;
}

function optionalTime(value: unknown): string | null {
  return typeof value === 'string' && !Number.isNaN(Date.parse(value)) ? value : null;
}

function asObject(value: unknown, where: string): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new BadRequestError(`${where} must be an object (got ${kindOf(value)})`);
  return value as Record<string, unknown>;
}

/**
 * The reload an event says has finished. Events of other types are ignored (a webhook may be
 * subscribed to more than one); so is a status that is not final, which Qlik does not send.
 * A reload-finished event without its reload's id, app or status is a 400.
 */
export function readWebhookEvent(body: unknown): WebhookEvent {
  const event = asObject(body, 'body');
  if (event.type !== RELOAD_FINISHED_EVENT_TYPE) {
    return { kind: 'ignored', reason: `not a ${RELOAD_FINISHED_EVENT_TYPE} event (type ${JSON.stringify(String(event.type).slice(0, 100))})` };
  }
  const data = asObject(event.data, 'body.data');
  const status = field(data, 'status', 'body.data');
  if (!FINAL_CLOUD_STATUSES.has(status)) return { kind: 'ignored', reason: `status ${JSON.stringify(status.slice(0, 40))} is not a final status` };
  return {
    kind: 'reloadFinished',
    reload: {
      id: cloudId(data, 'id', 'body.data'),
      appId: cloudId(data, 'appId', 'body.data'),
      status,
      partial: data.partial === true,
      creationTime: null,
      startTime: optionalTime(data.startTime),
      // Qlik documents no end time in the event's data: the event's own time is when it ended.
      endTime: optionalTime(data.endTime) ?? optionalTime(event.time),
      log: null,
    },
  };
}
