/**
 * The typed settings the rest of the service sees. `loadSettings` builds them from a
 * Butler YAML file, validates them once and deep-freezes them; no other module reads
 * configuration files or environment variables.
 */
export const LOG_LEVELS = ['silly', 'debug', 'verbose', 'info', 'warn', 'error'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

export interface NameValue {
  readonly name: string;
  readonly value: string;
}

export interface LoggingSettings {
  readonly level: LogLevel; // Butler.logLevel
  readonly fileLogging: boolean; // Butler.fileLogging
  readonly directory: string; // Butler.logDirectory
  readonly format: 'text' | 'json'; // Butler.logFormat (ours)
}

/** What an API key may do; `admin` may do everything. */
export const API_SCOPES = ['startTask', 'executionRead', 'kvRead', 'kvWrite', 'metrics', 'admin'] as const;
export type ApiScope = (typeof API_SCOPES)[number];

/** Endpoints that may be served without an API key while auth is on. */
export const OPEN_ENDPOINTS = ['health', 'ready', 'butlerping', 'documentation', 'metrics'] as const;
export type OpenEndpoint = (typeof OPEN_ENDPOINTS)[number];

export interface ApiKeySettings {
  readonly name: string; // shown in logs instead of the key
  /** Lower-case hex SHA-256 of the key; the key itself is never kept after loading. */
  readonly sha256: string;
  readonly scopes: readonly ApiScope[];
}

export interface AuthSettings {
  readonly enable: boolean; // Butler.restServerConfig.auth.enable (ours)
  readonly apiKeys: readonly ApiKeySettings[]; // .apiKeys
  readonly openEndpoints: readonly OpenEndpoint[]; // .openEndpoints
}

export interface RateLimitSettings {
  /** Requests per minute per API key (or per client IP without one); 0 = no limit. */
  readonly maxPerMinute: number; // Butler.restServerConfig.rateLimit.maxPerMinute (ours)
}

export interface ServerSettings {
  readonly enable: boolean; // Butler.restServerConfig.enable
  readonly host: string; // .serverHost
  readonly port: number; // .serverPort
  readonly backgroundServerPort: number; // accepted for compatibility, unused
  readonly tls: {
    readonly enable: boolean;
    readonly cert: string | null;
    readonly key: string | null;
    readonly ca: string | null;
    /** PEM CA bundle callers' certificates must be signed by; null = no client certificates. */
    readonly clientCa: string | null; // .tls.clientCa (ours)
  };
  readonly bodyLimitBytes: number; // .bodyLimit (ours)
  readonly shutdownTimeoutMs: number; // .shutdownTimeoutMs (ours)
  /** How long a client may take to send a whole request (headers and body). */
  readonly requestTimeoutMs: number; // .requestTimeoutMs (ours)
  readonly maxConnections: number; // .maxConnections (ours)
  /** Web origins (besides the service's own) whose pages may send changing requests. */
  readonly allowedOrigins: readonly string[]; // .allowedOrigins (ours)
  /**
   * Host names (besides IP addresses, localhost and serverHost) browsers may address the
   * service by; other names are refused from browsers, as DNS rebinding would use them.
   */
  readonly allowedHosts: readonly string[]; // .allowedHosts (ours)
  readonly auth: AuthSettings; // .auth (ours)
  readonly rateLimit: RateLimitSettings; // .rateLimit (ours)
  /**
   * Reverse proxies (IP addresses or CIDR ranges) whose X-Forwarded-For is believed: a request
   * whose peer is one of them is attributed to the right-most address in that header that is
   * not a trusted proxy. Empty: the header is ignored and the peer is the client.
   */
  readonly trustProxy: readonly string[]; // .trustProxy (ours)
}

export interface EndpointSettings {
  readonly senseStartTask: boolean;
  readonly keyValueStore: boolean;
  readonly butlerping: boolean;
  readonly apiListEnabledEndpoints: boolean;
  /** GET /metrics (ours): on by default, so configs written before the flag keep the endpoint. */
  readonly metrics: boolean;
}

export interface StartTaskSettings {
  readonly filter: {
    readonly enable: boolean; // Butler.startTaskFilter.enable
    readonly taskIds: readonly string[]; // .allowTask.taskId
    readonly tags: readonly string[]; // .allowTask.tag
    readonly customProperties: readonly NameValue[]; // .allowTask.customProperty
  };
  readonly maxItems: number; // Butler.startTask.maxItems (ours)
  /** Longest task ID, tag, custom property name or value accepted in a start request. */
  readonly maxFieldLength: number; // Butler.startTask.maxFieldLength (ours)
  readonly startConcurrency: number; // Butler.startTask.startConcurrency (ours)
  /** How long an Idempotency-Key replays its first answer. */
  readonly idempotencyWindowSeconds: number; // Butler.startTask.idempotencyWindowSeconds (ours)
  /** Script log lines shown for a failed reload; 0 = none. */
  readonly scriptLogTailLines: number; // Butler.startTask.scriptLogTailLines (ours)
  /** Longest `?wait=true` (and background wait for a callback) a request may ask for. */
  readonly maxWaitSeconds: number; // Butler.startTask.maxWaitSeconds (ours)
  /** Most `?wait=true` requests waiting at once in this process; more are refused with 503. */
  readonly maxWaitingRequests: number; // Butler.startTask.maxWaitingRequests (ours)
  readonly callback: StartTaskCallbackSettings; // Butler.startTaskCallback (ours)
}

export interface StartTaskCallbackSettings {
  /** Normalised URL prefixes a callbackUrl must start with; empty = callbacks off. */
  readonly allowedUrlPrefixes: readonly string[]; // .allowedUrlPrefixes
  readonly maxAttempts: number; // .maxAttempts
  /** Delay before the first retry; it doubles for each further retry. */
  readonly retryDelayMs: number; // .retryDelayMs
  readonly timeoutMs: number; // .timeoutMs: one delivery attempt
  /** HMAC-SHA256 key every delivery is signed with; null = deliveries unsigned. */
  readonly secret: string | null; // .secret
}

export type KvBackend = 'sqlite' | 'redis' | 'memory';

export interface KeyValueStoreSettings {
  readonly enable: boolean; // Butler.keyValueStore.enable
  readonly backend: KvBackend; // .backend (ours)
  readonly maxKeysPerNamespace: number; // .maxKeysPerNamespace
  readonly maxNamespaces: number; // .maxNamespaces (ours)
  readonly maxKeyLength: number; // .maxKeyLength (ours)
  readonly maxValueLength: number; // .maxValueLength (ours)
  readonly maxNamespaceLength: number; // .maxNamespaceLength (ours)
  readonly sweepIntervalMs: number; // .sweepIntervalMs (ours)
  readonly sqlite: SqliteSettings; // .sqlite
  readonly redis: { readonly url: string; readonly keyPrefix: string }; // .redis.url / .keyPrefix
}

export interface SqliteSettings {
  readonly path: string; // .path
  /** Memory the read cache may hold, in bytes (as it counts them); 0 = no cache. */
  readonly readCacheMaxBytes: number; // .readCacheMaxBytes (ours)
}

export type FilterQuoteEscape = 'backslash' | 'double';

export interface QrsSettings {
  /** False on a Qlik Cloud-only site: no QRS client is built and no certificate is read. */
  readonly enable: boolean; // Butler.configQRS.enable (ours)
  readonly host: string; // Butler.configQRS.host
  readonly port: number; // .port
  readonly useSSL: boolean; // .useSSL
  readonly rejectUnauthorized: boolean; // .rejectUnauthorized
  readonly headers: readonly NameValue[]; // .headers.static
  readonly clientCert: string; // Butler.cert.clientCert (path)
  readonly clientCertKey: string; // Butler.cert.clientCertKey (path)
  readonly clientCertCA: string; // Butler.cert.clientCertCA (path)
  readonly timeoutMs: number; // .timeoutMs (ours)
  readonly retries: number; // .retries (ours): GET retries on connection errors and 5xx
  readonly filterQuoteEscape: FilterQuoteEscape; // .filterQuoteEscape (ours)
  readonly maxIdsPerLookup: number; // .maxIdsPerLookup (ours): chunk size of id lookups
  readonly maxUrlLength: number; // .maxUrlLength (ours): longest URL of a QRS call, in characters
  readonly maxSockets: number; // .maxSockets (ours): connections to QRS open at once, process-wide
  readonly readinessCacheMs: number; // .readinessCacheMs (ours)
}

/**
 * Qlik Cloud ids (app ids, reload ids) this service accepts: URL-safe characters, at most 64,
 * not starting with "." (so an id is never a "." or ".." path segment).
 */
export const QLIK_CLOUD_ID_PATTERN = /^[A-Za-z0-9_~-][A-Za-z0-9._~-]{0,63}$/;

/** How the service authenticates to Qlik Cloud: an API key, or an OAuth machine-to-machine client. */
export type QlikCloudCredentials =
  | { readonly kind: 'apiKey'; readonly apiKey: string } // Butler.qlikCloud.apiKey
  | { readonly kind: 'oauth'; readonly clientId: string; readonly clientSecret: string }; // .oauth.clientId / .clientSecret

/** What the Qlik Cloud client needs of the settings. */
export interface QlikCloudTenantSettings {
  /** The tenant's origin, e.g. `https://acme.eu.qlikcloud.com` (no trailing slash). */
  readonly tenantUrl: string; // Butler.qlikCloud.tenantUrl (ours)
  readonly credentials: QlikCloudCredentials;
  readonly timeoutMs: number; // .timeoutMs (ours): one call to Qlik Cloud
  /** Most requests sent per sliding minute, all callers together; more wait their turn. */
  readonly maxRequestsPerMinute: number; // .maxRequestsPerMinute (ours)
}

/** Butler.qlikCloud (ours): a Qlik Cloud tenant as a second backend, when enabled. */
export type QlikCloudSettings =
  | { readonly enable: false }
  | (QlikCloudTenantSettings & {
      readonly enable: true;
      /** Client-managed task id (lower case) → Qlik Cloud app id: the tasks that moved to Qlik Cloud. */
      readonly taskMap: ReadonlyMap<string, string>; // .taskMap
      readonly webhook: QlikCloudWebhookSettings; // .webhook
    });

/** POST /v4/qlikcloud/webhook: where Qlik Cloud sends reload-finished events, signed with the secret. */
export type QlikCloudWebhookSettings =
  | { readonly enable: false } // .webhook.enable
  | { readonly enable: true; readonly secret: string }; // .webhook.secret

export interface Settings {
  /** Path of the YAML file these settings came from (for log lines, never its content). */
  readonly configFile: string;
  readonly logging: LoggingSettings;
  readonly server: ServerSettings;
  readonly endpoints: EndpointSettings;
  readonly startTask: StartTaskSettings;
  readonly keyValueStore: KeyValueStoreSettings;
  readonly qrs: QrsSettings;
  readonly qlikCloud: QlikCloudSettings;
}
