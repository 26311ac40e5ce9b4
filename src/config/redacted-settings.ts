import type { QlikCloudSettings, Settings } from './settings.js';

const REDACTED = '[REDACTED]';

// redis://user:password@host → redis://user:[REDACTED]@host
function withoutUrlPassword(url: string): string {
  return url.replace(/^([a-z][a-z0-9+.-]*:\/\/[^:@/]*):[^@/]*@/i, `$1:${REDACTED}@`);
}

/** Qlik Cloud's API key or client secret and the webhook secret blanked (the client ID is no secret), the task map as a mapping. */
function redactedQlikCloud(cloud: QlikCloudSettings): unknown {
  if (!cloud.enable) return cloud;
  const { credentials } = cloud;
  return {
    ...cloud,
    credentials: credentials.kind === 'apiKey' ? { ...credentials, apiKey: REDACTED } : { ...credentials, clientSecret: REDACTED },
    taskMap: Object.fromEntries(cloud.taskMap),
    webhook: cloud.webhook.enable ? { ...cloud.webhook, secret: REDACTED } : cloud.webhook,
  };
}

/**
 * The settings as they may be shown (a config dump in the log): QRS header values, the
 * Redis password, the callback secret (if one is set) and Qlik Cloud's API key or client
 * secret are blanked, and API keys are listed as `callers`, by name and scopes only (the
 * log's redaction would blank a field named `apiKeys` whole). Paths to certificates stay;
 * their contents were never part of the settings.
 */
export function redactedSettings(settings: Settings): unknown {
  const { server, startTask, keyValueStore, qrs, qlikCloud } = settings;
  const { callback } = startTask;
  const { apiKeys, ...auth } = server.auth;
  return {
    ...settings,
    server: {
      ...server,
      auth: { ...auth, callers: apiKeys.map(({ name, scopes }) => ({ name, scopes })) },
    },
    startTask: { ...startTask, callback: { ...callback, secret: callback.secret === null ? null : REDACTED } },
    keyValueStore: {
      ...keyValueStore,
      redis: { ...keyValueStore.redis, url: withoutUrlPassword(keyValueStore.redis.url) },
    },
    qrs: { ...qrs, headers: qrs.headers.map(({ name }) => ({ name, value: REDACTED })) },
    qlikCloud: redactedQlikCloud(qlikCloud),
  };
}
