/** Pure: a Qlik Cloud reload → the status answer, in Qlik Cloud's own status names. */
import type { CloudReload } from '../qlikcloud/types.js';
import type { CloudReloadSnapshot } from './types.js';

const STATUS_TEXT: ReadonlyMap<string, string> = new Map([
  ['QUEUED', 'Queued, waiting for Qlik Cloud to run it'],
  ['RELOADING', 'Reloading'],
  ['CANCELING', 'Being cancelled'],
  ['SUCCEEDED', 'Finished successfully'],
  ['FAILED', 'Failed'],
  ['CANCELED', 'Cancelled'],
  ['EXCEEDED_LIMIT', 'Stopped: it exceeded a reload time or size limit'],
]);

/** Qlik Cloud's final statuses; any other (CREATED, or one Qlik adds later) is running. */
export const FINAL_CLOUD_STATUSES: ReadonlySet<string> = new Set(['SUCCEEDED', 'FAILED', 'CANCELED', 'EXCEEDED_LIMIT']);

/** Statuses whose script log tells why the reload did not succeed. */
export const LOG_WORTHY_CLOUD_STATUSES: ReadonlySet<string> = new Set(['FAILED', 'EXCEEDED_LIMIT']);

function durationOf(startTime: string | null, endTime: string | null): number | null {
  if (startTime === null || endTime === null) return null;
  const ms = Date.parse(endTime) - Date.parse(startTime);
  return Number.isFinite(ms) ? Math.max(0, ms) : null;
}

/** `appName`: the app's name when known (the start answer or an items lookup), else null. */
export function cloudSnapshotOf(reload: CloudReload, appName: string | null): CloudReloadSnapshot {
  const final = FINAL_CLOUD_STATUSES.has(reload.status);
  return {
    backend: 'qlik-cloud',
    answer: {
      executionId: reload.id,
      taskId: reload.appId,
      taskName: appName,
      status: reload.status,
      statusText: STATUS_TEXT.get(reload.status) ?? `Qlik Cloud status ${reload.status}, not one this service knows (taken as running)`,
      startTime: reload.startTime,
      stopTime: final ? reload.endTime : null,
      durationMs: final ? durationOf(reload.startTime, reload.endTime) : null,
      backend: 'qlik-cloud',
      appId: reload.appId,
      reloadId: reload.id,
    },
    final,
    log: reload.log,
  };
}
