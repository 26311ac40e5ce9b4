export type { Credentials } from './auth.js';
export { FixtureError } from '../fixture.js';
export { DEMO_CLOUD_FIXTURE_PATH, loadCloudFixture, type SimCloudApp } from './fixture.js';
export type { QlikCloudSimulatorHooks } from './hooks.js';
export { MAX_VARIABLES, MAX_VARIABLE_LENGTH } from './reload-request.js';
export { DEFAULT_LIMIT, MAX_LIMIT } from './paging.js';
export type { FinalReloadStatus, ReloadStatus, SimReload } from './reloads.js';
export {
  SIM_API_KEY,
  SIM_CLIENT_ID,
  SIM_CLIENT_SECRET,
  startQlikCloudSimulator,
  type CloudReloadControl,
  type QlikCloudSimulatorOptions,
  type RunningQlikCloudSimulator,
} from './server.js';
export type {
  CloudRecordedRequest,
  CloudRequestFilter,
  CreatedReloadRecord,
  QlikCloudSimulatorStats,
  WebhookDeliveryRecord,
} from './stats.js';
export { UNMATCHED_ENDPOINT } from './stats.js';
export { qlikSignature, RELOAD_FINISHED_EVENT_TYPE } from './webhook.js';
