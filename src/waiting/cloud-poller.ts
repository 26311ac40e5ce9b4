/**
 * The poller of Qlik Cloud reloads. Its calls use at most half of the client's request budget
 * (Butler.qlikCloud.maxRequestsPerMinute), evenly spaced, whatever the number of waiters: the
 * other half stays free for starts, app lookups and script logs, which the client paces in
 * the same budget. Qlik Cloud reloads take minutes and may queue for hours, so rounds back off
 * further than QRS's.
 */
import type { Logger } from 'winston';
import type { QlikCloudClient } from '../qlikcloud/types.js';
import { readCloudSnapshotsFrom } from './cloud-reads.js';
import { createPollPacer } from './poll-pacer.js';
import { createExecutionPoller, type ExecutionPoller } from './poller.js';

/** Share of the client's budget polling may use. */
const POLL_SHARE_OF_BUDGET = 0.5;

export interface CloudPollerOptions {
  /** Butler.qlikCloud.maxRequestsPerMinute: all the client's calls together. */
  readonly requestsPerMinute: number;
  readonly logger: Logger;
  readonly minIntervalMs?: number;
  readonly maxIntervalMs?: number;
}

/** Status reads per minute polling may send under a client budget of `requestsPerMinute`. */
function pollBudgetOf(requestsPerMinute: number): number {
  return Math.max(1, Math.floor(requestsPerMinute * POLL_SHARE_OF_BUDGET));
}

export function createCloudReloadPoller(cloud: Pick<QlikCloudClient, 'getReload'>, options: CloudPollerOptions): ExecutionPoller {
  const pacer = createPollPacer({ perMinute: pollBudgetOf(options.requestsPerMinute) });
  const poller = createExecutionPoller({
    read: readCloudSnapshotsFrom(cloud, { pacer, logger: options.logger }),
    logger: options.logger,
    minIntervalMs: options.minIntervalMs ?? 1_000,
    maxIntervalMs: options.maxIntervalMs ?? 10_000,
    caseSensitiveIds: true,
    subject: 'Qlik Cloud reload status',
  });
  return {
    wait: (ids, waitOptions) => poller.wait(ids, waitOptions),
    observe: (id, state) => poller.observe(id, state),
    stop() {
      pacer.close();
      poller.stop();
    },
  };
}
