export { loadSettings, type LoadOverrides } from './load.js';
export { ConfigValidationError, type ConfigProblem } from './config-validation-error.js';
export { redactedSettings } from './redacted-settings.js';
export { isLoopbackHost, securityWarnings } from './security-warnings.js';
export * from './settings.js';
