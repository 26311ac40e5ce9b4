import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test, type TestContext } from 'node:test';
import { fileURLToPath } from 'node:url';
import { ConfigValidationError, loadSettings, type Settings } from '../../src/config/index.js';
import { ConfigError } from '../../src/errors.js';

const FIXTURES = fileURLToPath(new URL('../fixtures/config/', import.meta.url));
const BUTLER_FULL = path.join(FIXTURES, 'butler-full.yaml');
const NO_ENV = {};

function tempDir(t: TestContext): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'stg-config-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** Writes `content` as `name` in a fresh temp dir and returns its path. */
function writeConfig(t: TestContext, content: string | Buffer, name = 'config.yaml'): string {
  const file = path.join(tempDir(t), name);
  writeFileSync(file, content);
  return file;
}

function configError(run: () => unknown): ConfigError {
  try {
    run();
  } catch (error) {
    assert.ok(error instanceof ConfigError, `expected a ConfigError, got ${String(error)}`);
    assert.equal(error.code, 'ERR_CONFIG');
    return error;
  }
  assert.fail('expected loadSettings to throw');
}

test('a Butler file with every section of the template loads, reading our keys and ignoring the rest', () => {
  const settings = loadSettings(BUTLER_FULL, { env: NO_ENV });

  assert.equal(settings.configFile, BUTLER_FULL);
  assert.deepEqual(settings.logging, {
    level: 'verbose',
    fileLogging: true,
    directory: path.join(FIXTURES, 'logs-here'),
    format: 'text',
  });
  assert.deepEqual(settings.server, {
    enable: true,
    host: '0.0.0.0',
    port: 8181,
    backgroundServerPort: 8182,
    tls: {
      enable: true,
      cert: path.join(FIXTURES, 'tls/server.pem'),
      key: path.join(FIXTURES, 'tls/server_key.pem'),
      ca: null,
      clientCa: null,
    },
    bodyLimitBytes: 1048576,
    shutdownTimeoutMs: 10000,
    requestTimeoutMs: 30000,
    maxConnections: 1000,
    allowedOrigins: [],
    allowedHosts: [],
    auth: { enable: false, apiKeys: [], openEndpoints: ['health', 'ready', 'butlerping', 'documentation'] },
    rateLimit: { maxPerMinute: 6000 },
    trustProxy: [],
  });
  assert.deepEqual(settings.endpoints, {
    senseStartTask: true,
    keyValueStore: true,
    butlerping: true,
    apiListEnabledEndpoints: true,
    metrics: true,
  });
  assert.deepEqual(settings.startTask, {
    filter: {
      enable: true,
      taskIds: ['0f1d6a3e-5b2c-4c8e-9a61-2d0c1e7f4b90', '7c2e9b14-8a3f-4d51-b6e0-93f2a1c5d806'],
      tags: ['startable', 'nightly'],
      customProperties: [],
    },
    maxItems: 1000,
    maxFieldLength: 1024,
    startConcurrency: 32,
    idempotencyWindowSeconds: 86400,
    scriptLogTailLines: 25,
    maxWaitSeconds: 3600,
    maxWaitingRequests: 500,
    callback: { allowedUrlPrefixes: [], maxAttempts: 5, retryDelayMs: 2000, timeoutMs: 10000, secret: null },
  });
  assert.equal(settings.keyValueStore.enable, true);
  assert.equal(settings.keyValueStore.maxKeysPerNamespace, 250);
  assert.equal(settings.keyValueStore.backend, 'sqlite');
  assert.deepEqual(settings.qrs, {
    enable: true,
    host: 'sense.example.invalid',
    port: 4242,
    useSSL: true,
    rejectUnauthorized: true,
    headers: [{ name: 'X-Qlik-User', value: 'UserDirectory=Internal;UserId=sa_scheduler' }],
    clientCert: path.join(FIXTURES, 'certs/client.pem'),
    clientCertKey: path.join(FIXTURES, 'certs/client_key.pem'),
    clientCertCA: '/etc/qlik/root.pem',
    timeoutMs: 10000,
    retries: 2,
    filterQuoteEscape: 'backslash',
    maxIdsPerLookup: 100,
    maxUrlLength: 4000,
    maxSockets: 64,
    readinessCacheMs: 5000,
  });
  assert.deepEqual(settings.qlikCloud, { enable: false }, "Butler's own qlikSenseCloud section is not ours");
});

test("the demo's config file loads", () => {
  const demo = fileURLToPath(new URL('../../config/demo.yaml', import.meta.url));
  const settings = loadSettings(demo, { env: NO_ENV });
  assert.equal(settings.qrs.clientCert, path.resolve(path.dirname(demo), '../.demo/certs/client.pem'));
});

test('a file that sets nothing gets every documented default', (t) => {
  const file = writeConfig(t, 'Butler:\n  anonTelemetry: false\n');
  const cwd = process.cwd();
  const expected: Settings = {
    configFile: file,
    logging: { level: 'info', fileLogging: false, directory: path.join(path.dirname(file), 'log'), format: 'text' },
    server: {
      enable: true,
      host: '127.0.0.1',
      port: 8080,
      backgroundServerPort: 8081,
      tls: { enable: false, cert: null, key: null, ca: null, clientCa: null },
      bodyLimitBytes: 1048576,
      shutdownTimeoutMs: 10000,
      requestTimeoutMs: 30000,
      maxConnections: 1000,
      allowedOrigins: [],
      allowedHosts: [],
      auth: { enable: false, apiKeys: [], openEndpoints: ['health', 'ready', 'butlerping', 'documentation'] },
      rateLimit: { maxPerMinute: 6000 },
      trustProxy: [],
    },
    endpoints: { senseStartTask: false, keyValueStore: false, butlerping: false, apiListEnabledEndpoints: false, metrics: true },
    startTask: {
      filter: { enable: false, taskIds: [], tags: [], customProperties: [] },
      maxItems: 1000,
      maxFieldLength: 1024,
      startConcurrency: 32,
      idempotencyWindowSeconds: 86400,
      scriptLogTailLines: 25,
      maxWaitSeconds: 3600,
      maxWaitingRequests: 500,
      callback: { allowedUrlPrefixes: [], maxAttempts: 5, retryDelayMs: 2000, timeoutMs: 10000, secret: null },
    },
    keyValueStore: {
      enable: true,
      backend: 'sqlite',
      maxKeysPerNamespace: 1000,
      maxNamespaces: 10000,
      maxKeyLength: 1024,
      maxValueLength: 1048576,
      maxNamespaceLength: 1024,
      sweepIntervalMs: 60000,
      sqlite: { path: path.join(path.dirname(file), 'data/keyvalues.sqlite'), readCacheMaxBytes: 16777216 },
      redis: { url: 'redis://127.0.0.1:6379', keyPrefix: 'sense-task-gateway' },
    },
    qrs: {
      enable: true,
      host: 'localhost',
      port: 4242,
      useSSL: true,
      rejectUnauthorized: false,
      headers: [{ name: 'X-Qlik-User', value: 'UserDirectory=Internal;UserId=sa_repository' }],
      clientCert: path.join(cwd, 'config/certs/client.pem'),
      clientCertKey: path.join(cwd, 'config/certs/client_key.pem'),
      clientCertCA: path.join(cwd, 'config/certs/root.pem'),
      timeoutMs: 10000,
      retries: 2,
      filterQuoteEscape: 'backslash',
      maxIdsPerLookup: 100,
      maxUrlLength: 4000,
      maxSockets: 64,
      readinessCacheMs: 5000,
    },
    qlikCloud: { enable: false },
  };
  assert.deepEqual(loadSettings(file, { env: NO_ENV }), expected);
});

test('restServerEndpointsEnable.metrics: absent from a Butler section it is on; false turns off /metrics alone', (t) => {
  const butlerSection = writeConfig(t, 'Butler:\n  restServerEndpointsEnable:\n    butlerping: true\n');
  assert.deepEqual(loadSettings(butlerSection, { env: NO_ENV }).endpoints, {
    senseStartTask: false,
    keyValueStore: false,
    butlerping: true,
    apiListEnabledEndpoints: false,
    metrics: true,
  });
  const off = writeConfig(t, 'Butler:\n  restServerEndpointsEnable:\n    butlerping: true\n    metrics: false\n');
  assert.deepEqual(loadSettings(off, { env: NO_ENV }).endpoints, {
    senseStartTask: false,
    keyValueStore: false,
    butlerping: true,
    apiListEnabledEndpoints: false,
    metrics: false,
  });
});

test('empty (YAML null) lists are empty lists and empty sections keep their defaults', (t) => {
  const file = writeConfig(
    t,
    [
      'Butler:',
      '  keyValueStore:',
      '  startTaskFilter:',
      '    enable: true',
      '    allowTask:',
      '      taskId:',
      '      tag:',
      '      customProperty:',
      '  restServerConfig:',
      '    tls:',
      '  configQRS:',
      '    headers:',
    ].join('\n'),
  );
  const settings = loadSettings(file, { env: NO_ENV });
  assert.deepEqual(settings.startTask.filter, { enable: true, taskIds: [], tags: [], customProperties: [] });
  assert.equal(settings.keyValueStore.maxKeysPerNamespace, 1000);
  assert.equal(settings.server.tls.enable, false);
  assert.equal(settings.qrs.headers.length, 1);
});

test('YAML anchors and merge keys work as they did in Butler', (t) => {
  const file = writeConfig(
    t,
    [
      'common: &qrs',
      '  host: sense.example.invalid',
      '  port: 4243',
      'Butler:',
      '  configQRS:',
      '    <<: *qrs',
      '    useSSL: false',
    ].join('\n'),
  );
  const { qrs } = loadSettings(file, { env: NO_ENV });
  assert.deepEqual([qrs.host, qrs.port, qrs.useSSL], ['sense.example.invalid', 4243, false]);
});

test('STG_* environment variables override the file; empty ones are ignored', (t) => {
  const file = writeConfig(
    t,
    'Butler:\n  logLevel: warn\n  restServerConfig:\n    serverHost: 10.0.0.1\n    serverPort: 8181\n  configQRS:\n    host: file-host\n',
  );
  const settings = loadSettings(file, {
    env: {
      STG_SERVER_HOST: '127.0.0.2',
      STG_SERVER_PORT: '9191',
      STG_QRS_HOST: 'env-host',
      STG_QRS_PORT: '4243',
      STG_CLIENT_CERT: 'env-certs/client.pem',
      STG_CLIENT_CERT_KEY: '/abs/client_key.pem',
      STG_CLIENT_CERT_CA: 'env-certs/root.pem',
      STG_KV_BACKEND: 'redis',
      STG_KV_SQLITE_PATH: 'env-data/kv.sqlite',
      STG_REDIS_URL: 'redis://127.0.0.1:6380',
      STG_REDIS_KEY_PREFIX: 'env-prefix',
      STG_LOG_LEVEL: 'debug',
      STG_LOG_FORMAT: 'json',
      STG_LOG_DIRECTORY: 'env-logs',
      STG_FILE_LOGGING: 'true',
      STG_UNRELATED: 'x',
    },
  });
  const cwd = process.cwd();
  assert.equal(settings.server.host, '127.0.0.2');
  assert.equal(settings.server.port, 9191);
  assert.equal(settings.qrs.host, 'env-host');
  assert.equal(settings.qrs.port, 4243);
  assert.equal(settings.qrs.clientCert, path.join(cwd, 'env-certs/client.pem'));
  assert.equal(settings.qrs.clientCertKey, '/abs/client_key.pem');
  assert.equal(settings.qrs.clientCertCA, path.join(cwd, 'env-certs/root.pem'));
  assert.equal(settings.keyValueStore.backend, 'redis');
  assert.equal(settings.keyValueStore.sqlite.path, path.join(cwd, 'env-data/kv.sqlite'));
  assert.deepEqual(settings.keyValueStore.redis, { url: 'redis://127.0.0.1:6380', keyPrefix: 'env-prefix' });
  assert.deepEqual(settings.logging, {
    level: 'debug',
    format: 'json',
    directory: path.join(cwd, 'env-logs'),
    fileLogging: true,
  });

  const withEmpty = loadSettings(file, { env: { STG_SERVER_PORT: '', STG_QRS_HOST: '' } });
  assert.equal(withEmpty.server.port, 8181);
  assert.equal(withEmpty.qrs.host, 'file-host');
});

test('only the injected environment is read, not process.env', (t) => {
  const file = writeConfig(t, 'Butler:\n  configQRS:\n    host: file-host\n');
  process.env.STG_QRS_HOST = 'from-process-env';
  t.after(() => delete process.env.STG_QRS_HOST);
  assert.equal(loadSettings(file, { env: NO_ENV }).qrs.host, 'file-host');
  assert.equal(loadSettings(file).qrs.host, 'from-process-env');
});

test('the QRS fan-out limits come from the file', (t) => {
  const file = writeConfig(t, 'Butler:\n  configQRS:\n    maxUrlLength: 8000\n    maxSockets: 16\n');
  const { qrs } = loadSettings(file, { env: NO_ENV });
  assert.equal(qrs.maxUrlLength, 8000);
  assert.equal(qrs.maxSockets, 16);
});

test('callback URL prefixes are normalised like the URLs they are compared with', (t) => {
  const file = writeConfig(t, 'Butler:\n  startTaskCallback:\n    allowedUrlPrefixes: [HTTPS://Hooks.Example.COM:443/a/../qlik/]\n');
  const settings = loadSettings(file, { env: NO_ENV });
  assert.deepEqual(settings.startTask.callback.allowedUrlPrefixes, ['https://hooks.example.com/qlik/']);
});

test('--loglevel beats the file and the environment', (t) => {
  const file = writeConfig(t, 'Butler:\n  logLevel: warn\n');
  assert.equal(loadSettings(file, { env: NO_ENV }).logging.level, 'warn');
  assert.equal(loadSettings(file, { env: { STG_LOG_LEVEL: 'error' } }).logging.level, 'error');
  assert.equal(loadSettings(file, { env: { STG_LOG_LEVEL: 'error' }, logLevel: 'silly' }).logging.level, 'silly');
});

test('an invalid value names its source and full key path', async (t) => {
  const cases: { name: string; yaml: string; env?: Record<string, string>; logLevel?: string; expected: string }[] = [
    {
      name: 'port as text',
      yaml: 'Butler:\n  restServerConfig:\n    serverPort: abc\n',
      expected: '{file}: Butler.restServerConfig.serverPort must be an integer 0-65535, got "abc"',
    },
    {
      name: 'port out of range',
      yaml: 'Butler:\n  configQRS:\n    port: 70000\n',
      expected: '{file}: Butler.configQRS.port must be an integer 1-65535, got 70000',
    },
    {
      name: 'QRS URL limit too small for any lookup',
      yaml: 'Butler:\n  configQRS:\n    maxUrlLength: 200\n',
      expected: '{file}: Butler.configQRS.maxUrlLength must be an integer 1024-65536, got 200',
    },
    {
      name: 'no connections to QRS at all',
      yaml: 'Butler:\n  configQRS:\n    maxSockets: 0\n',
      expected: '{file}: Butler.configQRS.maxSockets must be an integer 1-1024, got 0',
    },
    {
      name: 'callback prefix without the slash after the host (would allow hooks.example.com.attacker.example)',
      yaml: 'Butler:\n  startTaskCallback:\n    allowedUrlPrefixes: [https://hooks.example.com]\n',
      expected:
        '{file}: Butler.startTaskCallback.allowedUrlPrefixes[0] must be an http:// or https:// URL prefix with a "/" after the host, got "https://hooks.example.com"',
    },
    {
      name: 'wait cap beyond a day',
      yaml: 'Butler:\n  startTask:\n    maxWaitSeconds: 90000\n',
      expected: '{file}: Butler.startTask.maxWaitSeconds must be an integer 1-86400, got 90000',
    },
    {
      name: 'no waiting request allowed at all',
      yaml: 'Butler:\n  startTask:\n    maxWaitingRequests: 0\n',
      expected: '{file}: Butler.startTask.maxWaitingRequests must be an integer >= 1, got 0',
    },
    {
      name: 'empty scalar',
      yaml: 'Butler:\n  restServerConfig:\n    serverHost:\n',
      expected: '{file}: Butler.restServerConfig.serverHost must be a non-empty string, got nothing',
    },
    {
      name: 'boolean as text',
      yaml: 'Butler:\n  restServerEndpointsEnable:\n    senseStartTask: yes\n',
      expected: '{file}: Butler.restServerEndpointsEnable.senseStartTask must be true or false, got "yes"',
    },
    {
      name: 'metrics switch as text',
      yaml: 'Butler:\n  restServerEndpointsEnable:\n    metrics: "off"\n',
      expected: '{file}: Butler.restServerEndpointsEnable.metrics must be true or false, got "off"',
    },
    {
      name: 'unknown log level',
      yaml: 'Butler:\n  logLevel: loud\n',
      expected: '{file}: Butler.logLevel must be one of "silly", "debug", "verbose", "info", "warn", "error", got "loud"',
    },
    {
      name: 'unknown backend',
      yaml: 'Butler:\n  keyValueStore:\n    backend: mongo\n',
      expected: '{file}: Butler.keyValueStore.backend must be one of "sqlite", "redis", "memory", got "mongo"',
    },
    {
      name: 'negative read cache bound',
      yaml: 'Butler:\n  keyValueStore:\n    sqlite:\n      readCacheMaxBytes: -1\n',
      expected: '{file}: Butler.keyValueStore.sqlite.readCacheMaxBytes must be an integer >= 0, got -1',
    },
    {
      name: 'section that is not a mapping',
      yaml: 'Butler:\n  restServerConfig: 5\n',
      expected: '{file}: Butler.restServerConfig must be a mapping, got 5',
    },
    {
      name: 'task id that is not a GUID',
      yaml: 'Butler:\n  startTaskFilter:\n    allowTask:\n      taskId:\n        - 0f1d6a3e-5b2c-4c8e-9a61-2d0c1e7f4b90\n        - not-a-guid\n',
      expected: '{file}: Butler.startTaskFilter.allowTask.taskId[1] must be a task ID (GUID), got "not-a-guid"',
    },
    {
      name: 'custom property without a value',
      yaml: 'Butler:\n  startTaskFilter:\n    allowTask:\n      customProperty:\n        - name: group\n',
      expected: '{file}: Butler.startTaskFilter.allowTask.customProperty[0].value must be a string, got nothing',
    },
    {
      name: 'list given as a scalar',
      yaml: 'Butler:\n  startTaskFilter:\n    allowTask:\n      tag: nightly\n',
      expected: '{file}: Butler.startTaskFilter.allowTask.tag must be a list, got "nightly"',
    },
    {
      name: 'TLS on without a certificate',
      yaml: 'Butler:\n  restServerConfig:\n    tls:\n      enable: true\n      key: server_key.pem\n',
      expected: '{file}: Butler.restServerConfig.tls.cert must be a file path when tls.enable is true',
    },
    {
      name: 'QRS headers without X-Qlik-User',
      yaml: 'Butler:\n  configQRS:\n    headers:\n      static:\n        - name: X-Other\n          value: v\n',
      expected:
        '{file}: Butler.configQRS.headers.static must include an X-Qlik-User header (QRS identifies the caller by it)',
    },
    {
      name: 'bad number from the environment',
      yaml: 'Butler:\n  logLevel: info\n',
      env: { STG_SERVER_PORT: 'eighty' },
      expected: 'environment variable STG_SERVER_PORT: Butler.restServerConfig.serverPort must be an integer 0-65535, got "eighty"',
    },
    {
      name: 'bad boolean from the environment',
      yaml: 'Butler:\n  logLevel: info\n',
      env: { STG_FILE_LOGGING: 'sometimes' },
      expected: 'environment variable STG_FILE_LOGGING: Butler.fileLogging must be true or false, got "sometimes"',
    },
    {
      name: 'bad --loglevel',
      yaml: 'Butler:\n  logLevel: info\n',
      logLevel: 'chatty',
      expected: '--loglevel: Butler.logLevel must be one of "silly", "debug", "verbose", "info", "warn", "error", got "chatty"',
    },
  ];
  for (const { name, yaml, env, logLevel, expected } of cases) {
    await t.test(name, (t) => {
      const file = writeConfig(t, yaml);
      const error = configError(() => loadSettings(file, { env: env ?? NO_ENV, ...(logLevel ? { logLevel } : {}) }));
      assert.ok(error instanceof ConfigValidationError);
      assert.equal(error.message, expected.replace('{file}', file));
      assert.equal(error.problems.length, 1);
    });
  }
});

test('every problem is reported at once, in one error', (t) => {
  const file = writeConfig(
    t,
    [
      'Butler:',
      '  logLevel: loud',
      '  restServerConfig:',
      '    serverPort: abc',
      '  keyValueStore:',
      '    maxKeysPerNamespace: 0',
      '  configQRS:',
      '    retries: many',
    ].join('\n'),
  );
  const error = configError(() => loadSettings(file, { env: { STG_QRS_PORT: 'x' } }));
  assert.ok(error instanceof ConfigValidationError);
  assert.deepEqual(
    error.problems.map((problem) => problem.keyPath),
    [
      'Butler.configQRS.port',
      'Butler.configQRS.retries',
      'Butler.keyValueStore.maxKeysPerNamespace',
      'Butler.logLevel',
      'Butler.restServerConfig.serverPort',
    ],
  );
  assert.match(error.message, /^5 problems in the configuration:\n/);
  for (const problem of error.problems) assert.ok(error.message.includes(problem.message));
  assert.ok(error.message.includes(`${file}: Butler.keyValueStore.maxKeysPerNamespace must be an integer >= 1, got 0`));
  assert.ok(error.message.includes('environment variable STG_QRS_PORT: Butler.configQRS.port'));
  assert.equal(error.keyPath, 'Butler.configQRS.port');
});

test('a value that may hold a credential is never echoed in an error', (t) => {
  const file = writeConfig(
    t,
    'Butler:\n  keyValueStore:\n    redis:\n      url: "http://:hunter2@cache:6379"\n  configQRS:\n    headers:\n      static:\n        - name: X-Qlik-User\n          value: 12345\n',
  );
  const error = configError(() => loadSettings(file, { env: NO_ENV }));
  assert.ok(error.message.includes('Butler.keyValueStore.redis.url must be a redis:// or rediss:// URL'));
  assert.ok(error.message.includes('Butler.configQRS.headers.static[0].value must be a string'));
  assert.ok(!error.message.includes('hunter2'));
  assert.ok(!error.message.includes('12345'));
});

test('files that cannot be used give a ConfigError naming the file', async (t) => {
  await t.test('missing file', (t) => {
    const file = path.join(tempDir(t), 'nope.yaml');
    assert.equal(configError(() => loadSettings(file, { env: NO_ENV })).message, `${file}: config file not found`);
  });

  await t.test('a directory instead of a file', (t) => {
    const dir = tempDir(t);
    assert.equal(
      configError(() => loadSettings(dir, { env: NO_ENV })).message,
      `${dir}: cannot read the config file (EISDIR)`,
    );
  });

  await t.test('YAML syntax error, with its line and column', (t) => {
    const file = writeConfig(t, 'Butler:\n  logLevel: info\n  restServerConfig: [8080,\n');
    const error = configError(() => loadSettings(file, { env: NO_ENV }));
    assert.match(error.message, new RegExp(`^${escape(file)}: YAML syntax error at line 4, column 1: `));
  });

  await t.test('duplicate key', (t) => {
    const file = writeConfig(t, 'Butler:\n  logLevel: info\n  logLevel: debug\n');
    assert.equal(
      configError(() => loadSettings(file, { env: NO_ENV })).message,
      `${file}: YAML syntax error at line 3, column 3: duplicated mapping key`,
    );
  });

  await t.test('tabs used for indentation', (t) => {
    const file = writeConfig(t, 'Butler:\n\tlogLevel: info\n');
    assert.match(configError(() => loadSettings(file, { env: NO_ENV })).message, /YAML syntax error at line 2, column 1/);
  });

  await t.test('binary file', (t) => {
    const file = writeConfig(t, Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d]), 'logo.png');
    assert.match(configError(() => loadSettings(file, { env: NO_ENV })).message, new RegExp(`^${escape(file)}: YAML syntax error`));
  });

  await t.test('empty file', (t) => {
    const file = writeConfig(t, '# nothing but a comment\n');
    assert.equal(
      configError(() => loadSettings(file, { env: NO_ENV })).message,
      `${file}: not a YAML document: expected a document, but the input is empty`,
    );
  });

  await t.test('JSON file that is not a Butler config', (t) => {
    const file = writeConfig(t, '{"name": "some-package", "version": "1.0.0"}', 'package.json');
    assert.equal(
      configError(() => loadSettings(file, { env: NO_ENV })).message,
      `${file}: not a Butler config file: the top level must be a YAML mapping with a Butler key, found name, version`,
    );
  });

  await t.test('top level is a list', (t) => {
    const file = writeConfig(t, '[1, 2, 3]\n', 'list.json');
    assert.equal(
      configError(() => loadSettings(file, { env: NO_ENV })).message,
      `${file}: not a Butler config file: the top level must be a YAML mapping with a Butler key, got a list`,
    );
  });

  await t.test('top level is plain text', (t) => {
    const file = writeConfig(t, 'just some words\n', 'notes.txt');
    assert.match(configError(() => loadSettings(file, { env: NO_ENV })).message, /got "just some words"$/);
  });

  await t.test('Butler is not a mapping', (t) => {
    const file = writeConfig(t, 'Butler: yes please\n');
    const error = configError(() => loadSettings(file, { env: NO_ENV }));
    assert.equal(error.message, `${file}: Butler must be a mapping, got "yes please"`);
    assert.equal(error.keyPath, 'Butler');
  });
});

test('relative paths in the file resolve against its directory; absolute ones are kept', (t) => {
  const dir = tempDir(t);
  mkdirSync(path.join(dir, 'nested'));
  const file = path.join(dir, 'nested', 'butler.yaml');
  writeFileSync(
    file,
    [
      'Butler:',
      '  logDirectory: ../logs',
      '  cert:',
      '    clientCert: certs/client.pem',
      '    clientCertKey: /srv/certs/client_key.pem',
      '  keyValueStore:',
      '    sqlite:',
      '      path: ./kv.sqlite',
      '  restServerConfig:',
      '    tls:',
      '      enable: true',
      '      cert: tls/server.pem',
      '      key: tls/server_key.pem',
      '      ca: tls/ca.pem',
    ].join('\n'),
  );
  const relativeToCwd = path.relative(process.cwd(), file);
  const settings = loadSettings(relativeToCwd, { env: NO_ENV });
  assert.equal(settings.configFile, file);
  assert.equal(settings.logging.directory, path.join(dir, 'logs'));
  assert.equal(settings.qrs.clientCert, path.join(dir, 'nested/certs/client.pem'));
  assert.equal(settings.qrs.clientCertKey, '/srv/certs/client_key.pem');
  assert.equal(settings.qrs.clientCertCA, path.join(process.cwd(), 'config/certs/root.pem'), 'a default: cwd');
  assert.equal(settings.keyValueStore.sqlite.path, path.join(dir, 'nested/kv.sqlite'));
  assert.deepEqual(settings.server.tls, {
    enable: true,
    cert: path.join(dir, 'nested/tls/server.pem'),
    key: path.join(dir, 'nested/tls/server_key.pem'),
    ca: path.join(dir, 'nested/tls/ca.pem'),
    clientCa: null,
  });
});

test('the settings are deeply frozen', () => {
  const settings = loadSettings(BUTLER_FULL, { env: NO_ENV });
  const mutable = settings as unknown as {
    server: { port: number; tls: { cert: string } };
    startTask: { filter: { taskIds: string[] } };
    qrs: { headers: { value: string }[] };
  };
  assert.throws(() => {
    mutable.server.port = 1;
  }, TypeError);
  assert.throws(() => {
    mutable.server.tls.cert = 'x';
  }, TypeError);
  assert.throws(() => mutable.startTask.filter.taskIds.push('x'), TypeError);
  assert.throws(() => {
    mutable.qrs.headers[0]!.value = 'x';
  }, TypeError);
  assert.equal(settings.server.port, 8181);
});

test("loading never creates the config package's global singleton", () => {
  loadSettings(BUTLER_FULL, { env: NO_ENV });
  const loaded = Object.keys(createRequire(import.meta.url).cache);
  assert.ok(loaded.some((file) => file.endsWith(path.join('config', 'lib', 'util.js'))));
  assert.ok(!loaded.some((file) => file.endsWith(path.join('config', 'lib', 'config.js'))));
});

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

test('time settings above 2147483647 ms are config errors naming every key (Node would make them 1 ms)', (t) => {
  const file = writeConfig(
    t,
    [
      'Butler:',
      '  restServerConfig:',
      '    shutdownTimeoutMs: 2147483648',
      '    requestTimeoutMs: 9999999999',
      '  keyValueStore:',
      '    sweepIntervalMs: 2147483648',
      '  configQRS:',
      '    timeoutMs: 2147483648',
      '    readinessCacheMs: 2147483648',
      '  startTaskCallback:',
      '    retryDelayMs: 2147483648',
      '    timeoutMs: 2147483648',
    ].join('\n'),
  );
  let caught: unknown;
  try {
    loadSettings(file, { env: NO_ENV });
  } catch (error) {
    caught = error;
  }
  assert.ok(caught instanceof ConfigValidationError, String(caught));
  {
    const keys = caught.problems.map((problem) => problem.keyPath).sort();
    assert.deepEqual(keys, [
      'Butler.configQRS.readinessCacheMs',
      'Butler.configQRS.timeoutMs',
      'Butler.keyValueStore.sweepIntervalMs',
      'Butler.restServerConfig.requestTimeoutMs',
      'Butler.restServerConfig.shutdownTimeoutMs',
      'Butler.startTaskCallback.retryDelayMs',
      'Butler.startTaskCallback.timeoutMs',
    ]);
    assert.match(caught.message, /requestTimeoutMs must be a number of milliseconds 1-2147483647/);
  }
  const atMax = writeConfig(t, 'Butler:\n  restServerConfig:\n    requestTimeoutMs: 2147483647\n', 'max.yaml');
  assert.equal(loadSettings(atMax, { env: NO_ENV }).server.requestTimeoutMs, 2147483647);
});

test('allowedOrigins are origins without a path, kept in the form browsers send', (t) => {
  const file = writeConfig(t, 'Butler:\n  restServerConfig:\n    allowedOrigins: ["https://Portal.Example.com:443", "http://10.0.0.5:8000"]\n');
  assert.deepEqual(loadSettings(file, { env: NO_ENV }).server.allowedOrigins, ['https://portal.example.com', 'http://10.0.0.5:8000']);
  const withPath = writeConfig(t, 'Butler:\n  restServerConfig:\n    allowedOrigins: ["https://portal.example.com/app"]\n', 'bad.yaml');
  assert.throws(() => loadSettings(withPath, { env: NO_ENV }), /allowedOrigins\[0\] must be an origin/);
});

test('allowedHosts are host names without scheme or port; STG_ALLOWED_HOSTS (a JSON list) overrides', (t) => {
  const file = writeConfig(t, 'Butler:\n  restServerConfig:\n    allowedHosts: [Gateway.Example.com, qlik-gw, gw.example.com.]\n');
  assert.deepEqual(loadSettings(file, { env: NO_ENV }).server.allowedHosts, ['Gateway.Example.com', 'qlik-gw', 'gw.example.com.']);
  assert.deepEqual(loadSettings(file, { env: { STG_ALLOWED_HOSTS: '["gw.local"]' } }).server.allowedHosts, ['gw.local']);
  for (const bad of ['gateway.example.com:8080', 'https://gateway.example.com', 'gateway.example.com/path', '']) {
    const withBad = writeConfig(t, `Butler:\n  restServerConfig:\n    allowedHosts: [${JSON.stringify(bad)}]\n`, 'bad.yaml');
    assert.throws(() => loadSettings(withBad, { env: NO_ENV }), /allowedHosts\[0\] must be a host name such as gateway\.example\.com \(no scheme, port or path\)/, bad);
  }
});
