import Type, { type Static, type TSchema } from 'typebox';
import { LOG_LEVELS } from './settings.js';

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

const GUID_PATTERN = '^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$';

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
      serverPort: port(),
      backgroundServerPort: port(),
      tls: mapping({
        enable: bool(),
        cert: optionalPath(),
        key: optionalPath(),
        ca: optionalPath(),
      }),
      bodyLimit: integer(1),
      shutdownTimeoutMs: integer(0),
    }),
    restServerEndpointsEnable: mapping({
      senseStartTask: bool(),
      keyValueStore: bool(),
      butlerping: bool(),
      apiListEnabledEndpoints: bool(),
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
      startConcurrency: integer(1, 256),
    }),
    keyValueStore: mapping({
      enable: bool(),
      backend: oneOf(['sqlite', 'redis', 'memory']),
      maxKeysPerNamespace: integer(1),
      maxNamespaces: integer(1),
      maxKeyLength: integer(1),
      maxValueLength: integer(1),
      maxNamespaceLength: integer(1),
      sweepIntervalMs: integer(1),
      sqlite: mapping({ path: text() }),
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
      host: text(),
      port: port(),
      useSSL: bool(),
      rejectUnauthorized: bool(),
      headers: mapping({ static: list(nameValue(true)) }),
      timeoutMs: integer(1),
      retries: integer(0, 10),
      filterQuoteEscape: oneOf(['backslash', 'double']),
      maxIdsPerLookup: integer(1, 1000),
      readinessCacheMs: integer(0),
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
