import { createHmac } from 'node:crypto';

/**
 * The headers that let a receiver check a callback came from this service and was not
 * changed on the way: `X-STG-Signature: sha256=<hex>` is HMAC-SHA256, keyed with
 * Butler.startTaskCallback.secret, of `<timestamp>.<body>`, where the timestamp is the
 * `X-STG-Timestamp` header (Unix seconds) and the body is exactly the bytes sent. The
 * timestamp lets a receiver refuse a recorded callback replayed later.
 */
export function signatureHeaders(secret: string, body: Buffer, unixSeconds: number): Record<string, string> {
  const timestamp = String(unixSeconds);
  const digest = createHmac('sha256', secret).update(`${timestamp}.`).update(body).digest('hex');
  return { 'x-stg-timestamp': timestamp, 'x-stg-signature': `sha256=${digest}` };
}
