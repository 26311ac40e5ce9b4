import type { FastifyReply } from 'fastify';
import { ServiceError } from '../errors.js';

/** Waits last minutes: a caller refused for being one too many should not come back at once. */
const WAITING_RETRY_AFTER_SECONDS = 30;

export class TooManyWaitingRequestsError extends ServiceError {
  constructor(max: number) {
    super(
      'ERR_TOO_MANY_WAITING_REQUESTS',
      503,
      `${max} requests are already waiting for their reloads (Butler.startTask.maxWaitingRequests); nothing was started. ` +
        `Retry in ${WAITING_RETRY_AFTER_SECONDS} s, or start without wait=true and follow the reload by its status or a callbackUrl`,
    );
  }
}

export interface WaitingCap {
  /**
   * Runs `work` counted as one waiting request. When `max` are already counted, `work` does
   * not run: the answer gets Retry-After and the request a TooManyWaitingRequestsError (503).
   */
  hold<T>(reply: FastifyReply, work: () => Promise<T>): Promise<T>;
}

/**
 * A `wait=true` request holds its connection until its reloads end. Without a cap of their
 * own, waiting requests could take every connection (maxConnections) and lock out /health,
 * /ready and ordinary starts. Counted in this process only: each instance has its own cap.
 */
export function createWaitingCap(max: number): WaitingCap {
  let waiting = 0;
  return {
    async hold(reply, work) {
      if (waiting >= max) {
        reply.header('retry-after', WAITING_RETRY_AFTER_SECONDS);
        throw new TooManyWaitingRequestsError(max);
      }
      waiting++;
      try {
        return await work();
      } finally {
        waiting--;
      }
    },
  };
}
