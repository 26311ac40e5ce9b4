/**
 * The Qlik Cloud poller's reader. Qlik Cloud has no batch read by id, so each reload costs one
 * `GET /api/v1/reloads/{id}`; that is also the cheapest: an app has at most one reload
 * pending at a time, so a list per app would cost as many calls and carry more. The calls are
 * paced under the polling budget, so many waiters slow the rounds down instead of exceeding
 * it. A 429 pauses polling for its Retry-After; it is never a polling failure.
 */
import type { Logger } from 'winston';
import { cloudSnapshotOf, type ExecutionSnapshot } from '../executions/index.js';
import { QlikCloudError } from '../qlikcloud/errors.js';
import type { QlikCloudClient } from '../qlikcloud/types.js';
import { PartialReadError, type ReadExecutionStates } from './poller.js';
import type { PollPacer } from './poll-pacer.js';

/** The pause after a 429 that came without a Retry-After. */
export const DEFAULT_RETRY_AFTER_MS = 10_000;

export interface CloudReadOptions {
  readonly pacer: PollPacer;
  readonly logger: Logger;
}

export function readCloudSnapshotsFrom(cloud: Pick<QlikCloudClient, 'getReload'>, options: CloudReadOptions): ReadExecutionStates {
  const { pacer, logger } = options;
  let pausedUntil = 0;

  function pause(error: QlikCloudError): void {
    const ms = error.retryAfterSeconds === undefined ? DEFAULT_RETRY_AFTER_MS : error.retryAfterSeconds * 1000;
    pacer.pauseFor(ms);
    // One line per pause, not one per reload that met it.
    if (Date.now() < pausedUntil) return;
    pausedUntil = Date.now() + ms;
    logger.warn(`Qlik Cloud answered 429 (rate limit) to a reload status read; polling pauses for ${Math.ceil(ms / 1000)} s, waits go on`);
  }

  return async (reloadIds, stillWanted) => {
    const found = new Map<string, ExecutionSnapshot>();
    let failure: QlikCloudError | undefined;
    await Promise.all(
      reloadIds.map(async (id) => {
        // A reload that ended (an event) while this call waited its turn is not read.
        if (!(await pacer.turn()) || !stillWanted(id)) return;
        try {
          const reload = await cloud.getReload(id);
          if (reload !== undefined) found.set(id, cloudSnapshotOf(reload, null));
        } catch (error) {
          if (!(error instanceof QlikCloudError)) throw error;
          if (error.status === 429) pause(error);
          else failure ??= error;
        }
      }),
    );
    if (failure) throw new PartialReadError(found, failure);
    return found;
  };
}
