export {
  certPathsIn,
  ensureCertFiles,
  generateCertBundle,
  readCertBundle,
  writeCertBundle,
  type CertBundle,
  type CertPaths,
} from './certs.js';
export {
  DEMO_FIXTURE_PATH,
  FixtureError,
  loadFixture,
  TaskType,
  type Fixture,
  type SimCustomPropertyValue,
  type SimTask,
} from './fixture.js';
export { ExecutionStatus } from './executions.js';
export type { ScriptLogApi, SimulatorHooks } from './hooks.js';
export { EMPTY_GUID } from './qrs-json.js';
export { MISSING_USER_MESSAGE, XSRF_MESSAGE } from './request-guard.js';
export { startSimulator, type RunningSimulator, type SimulatorOptions } from './server.js';
export type { RecordedRequest, RequestFilter, SimulatorStats } from './stats.js';
