export { loadSettings, type LoadOverrides } from './load.js';
export { ConfigValidationError, type ConfigProblem } from './config-validation-error.js';
export * from './settings.js';
