import { reloadLogSummary } from './script-log.js';
import { API_RELOAD_TYPE, type SimReload } from './reloads.js';
import { isoTime, TENANT_ID } from './tenant.js';

/** Error codes of a failed reload are not documented; these stand in for them [INF]. */
export function reloadError(reload: SimReload): { errorCode: string; errorMessage: string } | undefined {
  if (reload.status === 'FAILED') return { errorCode: 'RELOADS-SIM-SCRIPT', errorMessage: 'The reload script failed' };
  if (reload.status === 'EXCEEDED_LIMIT') return { errorCode: 'RELOADS-SIM-LIMIT', errorMessage: 'The reload exceeded its time limit' };
  return undefined;
}

/** A Reload as `/api/v1/reloads` answers it; `log` is left out of lists unless asked for [DOC]. */
export function reloadJson(reload: SimReload, baseUrl: string, { withLog }: { withLog: boolean }): Record<string, unknown> {
  const log = withLog ? reloadLogSummary(reload) : undefined;
  return {
    id: reload.id,
    appId: reload.appId,
    tenantId: TENANT_ID,
    userId: reload.userId,
    type: API_RELOAD_TYPE,
    status: reload.status,
    partial: reload.partial,
    ...(reload.weight === undefined ? {} : { weight: reload.weight }),
    creationTime: isoTime(reload.creationTime),
    ...(reload.startTime === undefined ? {} : { startTime: isoTime(reload.startTime) }),
    ...(reload.endTime === undefined ? {} : { endTime: isoTime(reload.endTime) }),
    ...(reload.status === 'SUCCEEDED' && reload.endTime !== undefined ? { engineTime: isoTime(reload.endTime) } : {}),
    ...reloadError(reload),
    ...(log === undefined ? {} : { log }),
    links: { self: { href: `${baseUrl}/api/v1/reloads/${reload.id}` } },
  };
}
