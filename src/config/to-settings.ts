import path from 'node:path';
import { apiKeyDigest } from './api-key-digest.js';
import type { ButlerFile } from './schema.js';
import type { QlikCloudCredentials, QlikCloudSettings, Settings } from './settings.js';
import type { PathResolver } from './resolve-path.js';

/** An origin as browsers send it: lower-case host, no default port (`https://a.example:443` → `https://a.example`). */
function canonicalOrigin(origin: string): string {
  try {
    return new URL(origin).origin;
  } catch {
    return origin.toLowerCase();
  }
}

type QlikCloudSection = ButlerFile['Butler']['qlikCloud'];

/** Validation guarantees a tenant URL and exactly one kind of credentials when enabled. */
function qlikCloudCredentials({ apiKey, oauth }: QlikCloudSection): QlikCloudCredentials {
  if (apiKey !== null) return { kind: 'apiKey', apiKey };
  return { kind: 'oauth', clientId: oauth.clientId ?? '', clientSecret: oauth.clientSecret ?? '' };
}

function toQlikCloudSettings(cloud: QlikCloudSection): QlikCloudSettings {
  if (!cloud.enable || cloud.tenantUrl === null) return { enable: false };
  return {
    enable: true,
    tenantUrl: new URL(cloud.tenantUrl).origin,
    credentials: qlikCloudCredentials(cloud),
    timeoutMs: cloud.timeoutMs,
    maxRequestsPerMinute: cloud.maxRequestsPerMinute,
    // Task IDs are GUIDs, which QRS compares case-insensitively.
    taskMap: new Map(Object.entries(cloud.taskMap).map(([taskId, appId]) => [taskId.toLowerCase(), appId])),
    // Validation guarantees a secret when the webhook is on.
    webhook: cloud.webhook.enable && cloud.webhook.secret !== null ? { enable: true, secret: cloud.webhook.secret } : { enable: false },
  };
}

/** Renames validated Butler keys to the Settings shape and makes every path absolute. */
export function toSettings(file: ButlerFile, configFile: string, resolvePath: PathResolver): Settings {
  const butler = file.Butler;
  const { restServerConfig: server, keyValueStore: kv, configQRS: qrs, cert, startTaskFilter } = butler;
  const { tls } = server;
  const optionalPath = (key: 'cert' | 'key' | 'ca' | 'clientCa') => {
    const configured = tls[key];
    return configured === null ? null : resolvePath(['Butler', 'restServerConfig', 'tls', key], configured);
  };

  return {
    configFile: path.resolve(configFile),
    logging: {
      level: butler.logLevel,
      fileLogging: butler.fileLogging,
      directory: resolvePath(['Butler', 'logDirectory'], butler.logDirectory),
      format: butler.logFormat,
    },
    server: {
      enable: server.enable,
      host: server.serverHost,
      port: server.serverPort,
      backgroundServerPort: server.backgroundServerPort,
      tls: {
        enable: tls.enable,
        cert: optionalPath('cert'),
        key: optionalPath('key'),
        ca: optionalPath('ca'),
        clientCa: optionalPath('clientCa'),
      },
      bodyLimitBytes: server.bodyLimit,
      shutdownTimeoutMs: server.shutdownTimeoutMs,
      requestTimeoutMs: server.requestTimeoutMs,
      maxConnections: server.maxConnections,
      allowedOrigins: server.allowedOrigins.map(canonicalOrigin),
      allowedHosts: [...server.allowedHosts],
      auth: {
        enable: server.auth.enable,
        apiKeys: server.auth.apiKeys.map(({ name, key, scopes }) => ({ name, sha256: apiKeyDigest(key), scopes: [...scopes] })),
        openEndpoints: [...server.auth.openEndpoints],
      },
      rateLimit: { maxPerMinute: server.rateLimit.maxPerMinute },
      trustProxy: [...server.trustProxy],
    },
    endpoints: {
      senseStartTask: butler.restServerEndpointsEnable.senseStartTask,
      keyValueStore: butler.restServerEndpointsEnable.keyValueStore,
      butlerping: butler.restServerEndpointsEnable.butlerping,
      apiListEnabledEndpoints: butler.restServerEndpointsEnable.apiListEnabledEndpoints,
      metrics: butler.restServerEndpointsEnable.metrics,
    },
    startTask: {
      filter: {
        enable: startTaskFilter.enable,
        taskIds: [...startTaskFilter.allowTask.taskId],
        tags: [...startTaskFilter.allowTask.tag],
        customProperties: startTaskFilter.allowTask.customProperty.map(({ name, value }) => ({ name, value })),
      },
      maxItems: butler.startTask.maxItems,
      maxFieldLength: butler.startTask.maxFieldLength,
      startConcurrency: butler.startTask.startConcurrency,
      idempotencyWindowSeconds: butler.startTask.idempotencyWindowSeconds,
      scriptLogTailLines: butler.startTask.scriptLogTailLines,
      maxWaitSeconds: butler.startTask.maxWaitSeconds,
      maxWaitingRequests: butler.startTask.maxWaitingRequests,
      callback: {
        allowedUrlPrefixes: butler.startTaskCallback.allowedUrlPrefixes.map((prefix) => new URL(prefix).href),
        maxAttempts: butler.startTaskCallback.maxAttempts,
        retryDelayMs: butler.startTaskCallback.retryDelayMs,
        timeoutMs: butler.startTaskCallback.timeoutMs,
        secret: butler.startTaskCallback.secret,
      },
    },
    keyValueStore: {
      enable: kv.enable,
      backend: kv.backend,
      maxKeysPerNamespace: kv.maxKeysPerNamespace,
      maxNamespaces: kv.maxNamespaces,
      maxKeyLength: kv.maxKeyLength,
      maxValueLength: kv.maxValueLength,
      maxNamespaceLength: kv.maxNamespaceLength,
      sweepIntervalMs: kv.sweepIntervalMs,
      sqlite: {
        path: resolvePath(['Butler', 'keyValueStore', 'sqlite', 'path'], kv.sqlite.path),
        readCacheMaxBytes: kv.sqlite.readCacheMaxBytes,
      },
      redis: { url: kv.redis.url, keyPrefix: kv.redis.keyPrefix },
    },
    qrs: {
      enable: qrs.enable,
      host: qrs.host,
      port: qrs.port,
      useSSL: qrs.useSSL,
      rejectUnauthorized: qrs.rejectUnauthorized,
      headers: qrs.headers.static.map(({ name, value }) => ({ name, value })),
      clientCert: resolvePath(['Butler', 'cert', 'clientCert'], cert.clientCert),
      clientCertKey: resolvePath(['Butler', 'cert', 'clientCertKey'], cert.clientCertKey),
      clientCertCA: resolvePath(['Butler', 'cert', 'clientCertCA'], cert.clientCertCA),
      timeoutMs: qrs.timeoutMs,
      retries: qrs.retries,
      filterQuoteEscape: qrs.filterQuoteEscape,
      maxIdsPerLookup: qrs.maxIdsPerLookup,
      maxUrlLength: qrs.maxUrlLength,
      maxSockets: qrs.maxSockets,
      readinessCacheMs: qrs.readinessCacheMs,
    },
    qlikCloud: toQlikCloudSettings(butler.qlikCloud),
  };
}
