import Type, { type Static, type TSchema } from 'typebox';
import { API_SCOPES, LOG_LEVELS, OPEN_ENDPOINTS, QLIK_CLOUD_ID_PATTERN } from './settings.js';

/**
 * Carried by every schema node: `expected` is how an error message describes a valid value;
 * `sensitive` marks values that may hold a credential, which error messages never echo.
 */
export interface LeafAnnotations {
  expected: string;
  sensitive?: boolean;
}

const bool = () => Type.Boolean({ expected: 'true or false' });

const integer = (minimum: number, maximum?: number) =>
  Type.Integer({
    minimum,
    ...(maximum === undefined ? {} : { maximum }),
    expected: maximum === undefined ? `an integer >= ${minimum}` : `an integer ${minimum}-${maximum}`,
  });

const port = () => integer(1, 65535);
/** 0 lets the system pick a free port; the start-up log names the port it got. */
const listenPort = () => integer(0, 65535);

/** Node's timers hold at most 2^31-1 ms (about 24.8 days); a longer delay silently becomes 1 ms. */
export const MAX_TIMER_MS = 2147483647;

const milliseconds = (minimum: number) =>
  Type.Integer({
    minimum,
    maximum: MAX_TIMER_MS,
    expected: `a number of milliseconds ${minimum}-${MAX_TIMER_MS} (about 24.8 days)`,
  });

// An origin as browsers send it in the Origin header: scheme, host and optional port, nothing else.
const ORIGIN_PATTERN = '^https?://[^/?#\\s]+$';
// A DNS name as browsers send it in the Host header (punycode for non-ASCII), without the port.
const HOST_NAME_PATTERN = '^[A-Za-z0-9_-]+(\\.[A-Za-z0-9_-]+)*\\.?$';

const text = () => Type.String({ minLength: 1, expected: 'a non-empty string' });

const optionalPath = () =>
  Type.Union([Type.String({ minLength: 1 }), Type.Null()], { expected: 'a file path or null' });

const oneOf = <const V extends string>(values: readonly V[]) =>
  Type.Enum(values, { expected: `one of ${values.map((value) => `"${value}"`).join(', ')}` });

const list = <T extends TSchema>(item: T) => Type.Array(item, { expected: 'a list' });

const mapping = <T extends Parameters<typeof Type.Object>[0]>(properties: T) =>
  Type.Object(properties, { expected: 'a mapping' });

const nameValue = (sensitiveValue: boolean) =>
  mapping({ name: text(), value: Type.String({ expected: 'a string', sensitive: sensitiveValue }) });

// A plain key travels in an HTTP header, so it is visible ASCII; 16 characters is the least
// that cannot be guessed by a rate-limited caller. `sha256:` keys are the digest of such a key.
const API_KEY_PATTERN = '^(sha256:[0-9a-fA-F]{64}|(?!sha256:)[\\x21-\\x7E]{16,512})$';
// Names appear in every log line of their caller's requests: keep them plain.
const API_KEY_NAME_PATTERN = '^[A-Za-z0-9][A-Za-z0-9._@-]{0,63}$';
// Like a plain API key: unguessable, and the same bytes in every receiver's language.
const CALLBACK_SECRET_PATTERN = '^[\\x21-\\x7E]{16,512}$';

const apiKey = () =>
  Type.Object(
    {
      name: Type.String({
        pattern: API_KEY_NAME_PATTERN,
        expected: 'a name of 1-64 letters, digits, ".", "_", "@" or "-" (starting with a letter or digit)',
      }),
      key: Type.String({
        pattern: API_KEY_PATTERN,
        expected: 'a key of 16-512 visible ASCII characters, or "sha256:" followed by 64 hex digits',
        sensitive: true,
      }),
      scopes: Type.Array(oneOf(API_SCOPES), {
        minItems: 1,
        expected: `a non-empty list of ${API_SCOPES.map((scope) => `"${scope}"`).join(', ')}`,
      }),
    },
    { expected: 'a mapping with name, key and scopes', sensitive: true },
  );

// Credentials travel in an HTTP header or a JSON body: visible ASCII, no spaces.
const VISIBLE_ASCII_PATTERN = '^[\\x21-\\x7E]+$';

const optionalCredential = (what: string, sensitive: boolean) =>
  Type.Union([Type.String({ pattern: VISIBLE_ASCII_PATTERN, maxLength: 16384 }), Type.Null()], {
    expected: `${what} (visible ASCII characters, no spaces), or null`,
    sensitive,
  });

export const GUID_PATTERN = '^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$';

/**
 * The one schema a merged Butler config is checked against. It covers only the keys this
 * service reads; objects allow unknown keys, so every other Butler section passes untouched.
 */
export const ButlerFileSchema = mapping({
  Butler: mapping({
    logLevel: oneOf(LOG_LEVELS),
    fileLogging: bool(),
    logDirectory: text(),
    logFormat: oneOf(['text', 'json']),
    restServerConfig: mapping({
      enable: bool(),
      serverHost: text(),
      serverPort: listenPort(),
      backgroundServerPort: port(),
      tls: mapping({
        enable: bool(),
        cert: optionalPath(),
        key: optionalPath(),
        ca: optionalPath(),
        clientCa: optionalPath(),
      }),
      bodyLimit: integer(1),
      shutdownTimeoutMs: milliseconds(0),
      requestTimeoutMs: milliseconds(1),
      maxConnections: integer(1),
      allowedOrigins: list(
        Type.String({ pattern: ORIGIN_PATTERN, expected: 'an origin such as https://portal.example.com (no path)' }),
      ),
      allowedHosts: list(
        Type.String({ pattern: HOST_NAME_PATTERN, expected: 'a host name such as gateway.example.com (no scheme, port or path)' }),
      ),
      auth: mapping({
        enable: bool(),
        apiKeys: Type.Array(apiKey(), { expected: 'a list of {name, key, scopes}', sensitive: true }),
        openEndpoints: list(oneOf(OPEN_ENDPOINTS)),
      }),
      rateLimit: mapping({
        maxPerMinute: integer(0),
      }),
      trustProxy: list(Type.String({ expected: 'an IP address or a CIDR range' })),
    }),
    restServerEndpointsEnable: mapping({
      senseStartTask: bool(),
      keyValueStore: bool(),
      butlerping: bool(),
      apiListEnabledEndpoints: bool(),
      metrics: bool(),
    }),
    startTaskFilter: mapping({
      enable: bool(),
      allowTask: mapping({
        taskId: list(Type.String({ pattern: GUID_PATTERN, expected: 'a task ID (GUID)' })),
        tag: list(text()),
        customProperty: list(nameValue(false)),
      }),
    }),
    startTask: mapping({
      maxItems: integer(1),
      maxFieldLength: integer(1),
      startConcurrency: integer(1, 256),
      idempotencyWindowSeconds: integer(1),
      scriptLogTailLines: integer(0, 1000),
      maxWaitSeconds: integer(1, 86400),
      maxWaitingRequests: integer(1),
    }),
    startTaskCallback: mapping({
      allowedUrlPrefixes: list(
        Type.String({
          // The host must be followed by "/": "https://hooks.example.com" would also allow
          // "https://hooks.example.com.attacker.example/".
          pattern: '^[hH][tT][tT][pP][sS]?://[^/?#@\\\\\\s]+/',
          expected: 'an http:// or https:// URL prefix with a "/" after the host',
        }),
      ),
      maxAttempts: integer(1, 20),
      retryDelayMs: milliseconds(1),
      timeoutMs: milliseconds(1),
      secret: Type.Union([Type.String({ pattern: CALLBACK_SECRET_PATTERN }), Type.Null()], {
        expected: 'a secret of 16-512 visible ASCII characters (no spaces), or null',
        sensitive: true,
      }),
    }),
    keyValueStore: mapping({
      enable: bool(),
      backend: oneOf(['sqlite', 'redis', 'memory']),
      maxKeysPerNamespace: integer(1),
      maxNamespaces: integer(1),
      maxKeyLength: integer(1),
      maxValueLength: integer(1),
      maxNamespaceLength: integer(1),
      sweepIntervalMs: milliseconds(1),
      sqlite: mapping({ path: text(), readCacheMaxBytes: integer(0) }),
      redis: mapping({
        url: Type.String({
          pattern: '^rediss?://',
          expected: 'a redis:// or rediss:// URL',
          sensitive: true,
        }),
        keyPrefix: text(),
      }),
    }),
    configQRS: mapping({
      enable: bool(),
      host: text(),
      port: port(),
      useSSL: bool(),
      rejectUnauthorized: bool(),
      headers: mapping({ static: list(nameValue(true)) }),
      timeoutMs: milliseconds(1),
      retries: integer(0, 10),
      filterQuoteEscape: oneOf(['backslash', 'double']),
      maxIdsPerLookup: integer(1, 1000),
      maxUrlLength: integer(1024, 65536),
      maxSockets: integer(1, 1024),
      readinessCacheMs: milliseconds(0),
    }),
    qlikCloud: mapping({
      enable: bool(),
      // Scheme, host and optional port; whether http is allowed (loopback only) is a cross-key rule.
      tenantUrl: Type.Union([Type.String({ pattern: '^[hH][tT][tT][pP][sS]?://[^/?#@\\s]+/?$' }), Type.Null()], {
        expected: 'the tenant URL such as https://acme.eu.qlikcloud.com (no path), or null',
      }),
      apiKey: optionalCredential('an API key', true),
      oauth: mapping({
        clientId: optionalCredential('an OAuth client ID', false),
        clientSecret: optionalCredential('an OAuth client secret', true),
      }),
      timeoutMs: milliseconds(1),
      maxRequestsPerMinute: integer(1),
      taskMap: Type.Record(
        Type.String(),
        Type.String({
          pattern: QLIK_CLOUD_ID_PATTERN.source,
          expected: 'a Qlik Cloud app ID (1-64 letters, digits, "-", "_", "~" or ".", not starting with ".")',
        }),
        { expected: 'a mapping of task IDs (GUIDs) to Qlik Cloud app IDs' },
      ),
      webhook: mapping({
        enable: bool(),
        // Qlik Cloud takes webhook secrets of 32-64 characters.
        secret: Type.Union([Type.String({ pattern: '^[\\x21-\\x7E]{32,64}$' }), Type.Null()], {
          expected: 'the webhook secret set in Qlik Cloud: 32-64 visible ASCII characters (no spaces), or null',
          sensitive: true,
        }),
      }),
    }),
    cert: mapping({
      clientCert: text(),
      clientCertKey: text(),
      clientCertCA: text(),
    }),
  }),
});

export type ButlerFile = Static<typeof ButlerFileSchema>;
export type ButlerSection = ButlerFile['Butler'];
