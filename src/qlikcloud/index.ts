export {
  createQlikCloudClient,
  INVALID_APP_ID_REASON,
  MAX_RELOAD_VARIABLE_LENGTH,
  MAX_RELOAD_VARIABLES,
  RELOAD_PENDING_REASON,
  RELOAD_QUOTA_REASON,
  reloadVariablesProblem,
  type QlikCloudClientDeps,
} from './client.js';
export { isCloudId as isQlikCloudId } from './find-apps.js';
export type { CloudClock } from './clock.js';
export { QlikCloudError, QlikCloudResponseError, QlikCloudTimeoutError, QlikCloudUnavailableError, type CloudCallContext } from './errors.js';
export type {
  AppQuery,
  CloudApp,
  CloudCallOptions,
  CloudReload,
  CloudReloadStatus,
  CloudStartResult,
  FoundApps,
  QlikCloudClient,
  ReloadParameters,
} from './types.js';
