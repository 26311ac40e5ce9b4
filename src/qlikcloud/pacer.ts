import { abortable } from './abortable.js';
import type { CloudClock } from './clock.js';

const WINDOW_MS = 60_000;

/**
 * Paces every call the client sends, whoever asks: at most `maxPerMinute` in any sliding
 * minute, and none while Qlik Cloud has told us to wait. Calls take their turn in order and
 * wait for it instead of failing.
 */
export interface RequestPacer {
  /** Resolves when this call may be sent; rejects with the signal's reason once it is aborted. */
  turn(signal: AbortSignal): Promise<void>;
  /** Nothing is sent for the next `ms` (a 429's Retry-After blocks Qlik Cloud's whole tier). */
  holdFor(ms: number): void;
}

export function createRequestPacer(maxPerMinute: number, clock: CloudClock): RequestPacer {
  // When each call of the last minute was sent, oldest first.
  const sent: number[] = [];
  let heldUntil = Number.NEGATIVE_INFINITY;
  // Settles when the last call to ask has had its turn (or given up): the queue, in order.
  let last: Promise<void> = Promise.resolve();

  function waitAt(now: number): number {
    while (sent.length > 0 && (sent[0] as number) <= now - WINDOW_MS) sent.shift();
    const windowWait = sent.length < maxPerMinute ? 0 : (sent[sent.length - maxPerMinute] as number) + WINDOW_MS - now;
    return Math.max(0, heldUntil - now, windowWait);
  }

  async function turn(signal: AbortSignal): Promise<void> {
    const previous = last;
    let done = (): void => undefined;
    last = new Promise((resolve) => {
      done = resolve;
    });
    try {
      await abortable(previous, signal);
      // A hold may arrive while this call sleeps: look again after every wait.
      for (let wait = waitAt(clock.now()); wait > 0; wait = waitAt(clock.now())) await clock.sleep(wait, signal);
      sent.push(clock.now());
    } finally {
      // A call that gave up passes its turn on only when its own turn came, to keep the order.
      void previous.then(done);
    }
  }

  return {
    turn,
    holdFor(ms) {
      heldUntil = Math.max(heldUntil, clock.now() + ms);
    },
  };
}
