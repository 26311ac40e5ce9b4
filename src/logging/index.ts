export { createLogger, type LoggerOptions } from './create-logger.js';
export { closeLogger } from './close-logger.js';
export { redactSecrets, redactValue, isSecretName, REDACTED } from './redact.js';
