/**
 * Delivers callbacks: a JSON POST of the answer to an allowed URL, in the background, with
 * retries. Attempt 1 goes at once; after a retryable failure (no answer, timeout, 408, 425,
 * 429 or 5xx) attempt n+1 follows retryDelayMs × 2^(n-1) later, up to maxAttempts. Any other
 * answer ends the delivery: 2xx delivered, 3xx and other 4xx refused (redirects are not
 * followed: they could lead off the allow-list). Every attempt is logged. Deliveries live in
 * memory only: stop() drops the pending ones, logged as lost. With a secret configured every
 * attempt is signed anew (see signature.ts), over the body serialised once for all attempts.
 */
import { randomUUID } from 'node:crypto';
import { setMaxListeners } from 'node:events';
import type { Logger } from 'winston';
import { callSignal } from '../call-signal.js';
import type { StartTaskCallbackSettings } from '../config/settings.js';
import { loggableUrl } from './allow-list.js';
import { signatureHeaders } from './signature.js';

export interface CallbackSender {
  /** Starts delivering `body` to `url` (allowed and normalised); never throws. */
  send(url: string, body: unknown): void;
  /** Ends every pending delivery without sending more; they are logged as lost. */
  stop(): void;
}

type AttemptOutcome = { kind: 'delivered' | 'refused' | 'retry'; detail: string };

function isRetryableStatus(status: number): boolean {
  return status === 408 || status === 425 || status === 429 || status >= 500;
}

export function createCallbackSender(deps: {
  settings: StartTaskCallbackSettings;
  logger: Logger;
  userAgent: string;
  /** Epoch ms for signature timestamps; tests pass their own to move time. */
  now?: () => number;
  /** Aborted by stop(), ending every delivery; absent: the sender makes its own. */
  stopping?: AbortController;
}): CallbackSender {
  const { settings, logger } = deps;
  const stopping = deps.stopping ?? new AbortController();
  // Every delivery in flight or waiting to retry listens on this one signal.
  setMaxListeners(0, stopping.signal);

  /** Taken per attempt: a retry carries the time it was sent, so receivers can bound replays. */
  function signing(payload: Buffer): Record<string, string> {
    if (settings.secret === null) return {};
    const unixSeconds = Math.floor((deps.now ?? Date.now)() / 1000);
    return signatureHeaders(settings.secret, payload, unixSeconds);
  }

  async function attempt(url: string, payload: Buffer, callbackId: string): Promise<AttemptOutcome> {
    const call = callSignal(stopping.signal, AbortSignal.timeout(settings.timeoutMs));
    try {
      const res = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'user-agent': deps.userAgent, 'x-callback-id': callbackId, ...signing(payload) },
        body: payload,
        redirect: 'manual',
        signal: call.signal,
      });
      await res.body?.cancel();
      const detail = `HTTP ${res.status}`;
      if (res.status >= 200 && res.status < 300) return { kind: 'delivered', detail };
      return { kind: isRetryableStatus(res.status) ? 'retry' : 'refused', detail };
    } catch (error) {
      const timedOut = error instanceof Error && error.name === 'TimeoutError';
      const cause = error instanceof Error && error.cause instanceof Error ? `: ${error.cause.message}` : '';
      return { kind: 'retry', detail: timedOut ? `no answer within ${settings.timeoutMs} ms` : `${String(error)}${cause}` };
    } finally {
      call.release();
    }
  }

  function pause(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        stopping.signal.removeEventListener('abort', done);
        resolve();
      }
      stopping.signal.addEventListener('abort', done, { once: true });
    });
  }

  async function deliver(url: string, body: unknown): Promise<void> {
    const callbackId = randomUUID();
    const where = loggableUrl(url);
    // The bytes signed are the bytes sent, on every attempt.
    const payload = Buffer.from(JSON.stringify(body), 'utf8');
    const meta = { callbackId, callbackUrl: where };
    for (let n = 1; n <= settings.maxAttempts; n++) {
      if (stopping.signal.aborted) break;
      const outcome = await attempt(url, payload, callbackId);
      if (stopping.signal.aborted) break;
      const tried = `Callback ${callbackId} to ${where}, attempt ${n}/${settings.maxAttempts}: ${outcome.detail}`;
      if (outcome.kind === 'delivered') {
        logger.info(`${tried}, delivered`, { ...meta, attempt: n });
        return;
      }
      if (outcome.kind === 'refused') {
        logger.error(`${tried}, refused by the receiver; not retried`, { ...meta, attempt: n });
        return;
      }
      if (n === settings.maxAttempts) {
        logger.error(`${tried}; giving up`, { ...meta, attempt: n });
        return;
      }
      const delayMs = settings.retryDelayMs * 2 ** (n - 1);
      logger.warn(`${tried}; retrying in ${delayMs} ms`, { ...meta, attempt: n });
      await pause(delayMs);
    }
    logger.warn(`Callback ${callbackId} to ${where} lost: the service is stopping`, meta);
  }

  return {
    send(url, body) {
      if (stopping.signal.aborted) {
        logger.warn(`Callback to ${loggableUrl(url)} lost: the service is stopping`, { callbackUrl: loggableUrl(url) });
        return;
      }
      void deliver(url, body);
    },
    stop() {
      stopping.abort();
    },
  };
}
