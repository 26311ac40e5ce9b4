/**
 * The security settings: API keys (plain or sha256:, kept only as digests), their
 * validation, environment overrides, the redacted dump and the startup warnings.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  isLoopbackHost,
  loadSettings,
  redactedSettings,
  securityWarnings,
  type Settings,
} from '../../src/config/index.js';
import { problemsOf, writeButlerConfig } from '../helpers/config-file.js';
import { KEYS, sha256Hex } from '../helpers/api-keys.js';
import { testSettings, type DeepPartial } from '../helpers/app.js';

function authYaml(enable: boolean, keys: string[]): string[] {
  return ['  restServerConfig:', '    auth:', `      enable: ${enable}`, '      apiKeys:', ...keys.map((line) => `        ${line}`)];
}

test('API keys load as digests: sha256:<hex> (any case) as given, plain keys hashed; no key is kept', (t) => {
  const file = writeButlerConfig(t, [
    ...authYaml(true, [
      `- { name: etl, key: "sha256:${sha256Hex(KEYS.starter).toUpperCase()}", scopes: [startTask, kvWrite] }`,
      `- { name: scripts.qlik@site-1, key: ${KEYS.reader}, scopes: [kvRead] }`,
    ]),
    '    rateLimit:',
    '      maxPerMinute: 0',
    '  startTask:',
    '    maxFieldLength: 64',
  ]);
  const settings = loadSettings(file, { env: {} });
  assert.deepEqual(settings.server.auth, {
    enable: true,
    apiKeys: [
      { name: 'etl', sha256: sha256Hex(KEYS.starter), scopes: ['startTask', 'kvWrite'] },
      { name: 'scripts.qlik@site-1', sha256: sha256Hex(KEYS.reader), scopes: ['kvRead'] },
    ],
    openEndpoints: ['health', 'ready', 'butlerping', 'documentation'],
  });
  assert.equal(settings.server.rateLimit.maxPerMinute, 0);
  assert.equal(settings.startTask.maxFieldLength, 64);
  assert.ok(!JSON.stringify(settings).includes(KEYS.reader), 'the plain key survived loading');
});

test('STG_AUTH_ENABLE, STG_API_KEYS (a JSON list) and STG_RATE_LIMIT_PER_MINUTE override the file', (t) => {
  const file = writeButlerConfig(t, authYaml(false, []));
  const settings = loadSettings(file, {
    env: {
      STG_AUTH_ENABLE: 'true',
      STG_API_KEYS: JSON.stringify([{ name: 'from-env', key: KEYS.admin, scopes: ['admin'] }]),
      STG_RATE_LIMIT_PER_MINUTE: '120',
    },
  });
  assert.equal(settings.server.auth.enable, true);
  assert.deepEqual(settings.server.auth.apiKeys, [{ name: 'from-env', sha256: sha256Hex(KEYS.admin), scopes: ['admin'] }]);
  assert.equal(settings.server.rateLimit.maxPerMinute, 120);
});

test('a malformed STG_API_KEYS is refused naming the variable, without repeating it', (t) => {
  const file = writeButlerConfig(t, authYaml(true, [`- { name: a, key: ${KEYS.admin}, scopes: [admin] }`]));
  const broken = `[{"name":"x","key":"${KEYS.writer}"`;
  const problems = problemsOf(() => loadSettings(file, { env: { STG_API_KEYS: broken } }));
  assert.deepEqual(problems.length, 1);
  assert.match(problems[0]!, /^environment variable STG_API_KEYS: Butler\.restServerConfig\.auth\.apiKeys must be a list/);
  assert.ok(!problems[0]!.includes(KEYS.writer));
});

test('refused: auth on without keys, malformed keys and names, unknown or no scopes, repeated names or keys', (t) => {
  const secret = 'short-secret';
  const cases: [string, string[], RegExp][] = [
    ['no key with auth on', authYaml(true, []), /auth\.apiKeys must list at least one key when auth\.enable is true/],
    ['a short plain key', authYaml(false, [`- { name: a, key: ${secret}, scopes: [admin] }`]), /apiKeys\[0\]\.key must be a key of 16-512 visible ASCII characters, or "sha256:" followed by 64 hex digits/],
    ['a sha256 key of the wrong length', authYaml(false, [`- { name: a, key: "sha256:${'ab'.repeat(31)}", scopes: [admin] }`]), /apiKeys\[0\]\.key must be/],
    ['a sha256 key with non-hex digits', authYaml(false, [`- { name: a, key: "sha256:${'zz'.repeat(32)}", scopes: [admin] }`]), /apiKeys\[0\]\.key must be/],
    ['a key with a space', authYaml(false, ['- { name: a, key: "sixteen chars and more", scopes: [admin] }']), /apiKeys\[0\]\.key must be/],
    ['an unknown scope', authYaml(false, [`- { name: a, key: ${KEYS.admin}, scopes: [startTask, superuser] }`]), /apiKeys\[0\]\.scopes\[1\] must be one of "startTask", "executionRead", "kvRead", "kvWrite", "metrics", "admin", got "superuser"/],
    ['no scope', authYaml(false, [`- { name: a, key: ${KEYS.admin}, scopes: [] }`]), /apiKeys\[0\]\.scopes must be a non-empty list/],
    ['a name with a space', authYaml(false, [`- { name: "etl job", key: ${KEYS.admin}, scopes: [admin] }`]), /apiKeys\[0\]\.name must be a name of 1-64 letters/],
    ['a missing name', authYaml(false, [`- { key: ${KEYS.admin}, scopes: [admin] }`]), /apiKeys\[0\]\.name must be/],
    [
      'a repeated name',
      authYaml(false, [`- { name: a, key: ${KEYS.admin}, scopes: [admin] }`, `- { name: a, key: ${KEYS.reader}, scopes: [kvRead] }`]),
      /apiKeys\[1\]\.name repeats the name of apiKeys\[0\]/,
    ],
    [
      'the same key twice, once hashed',
      authYaml(false, [`- { name: a, key: ${KEYS.admin}, scopes: [admin] }`, `- { name: b, key: "sha256:${sha256Hex(KEYS.admin)}", scopes: [kvRead] }`]),
      /apiKeys\[1\]\.key is the same key as apiKeys\[0\]/,
    ],
    ['a key that is not a mapping', authYaml(false, [`- ${KEYS.admin}`]), /apiKeys\[0\] must be a mapping with name, key and scopes/],
    ['an unknown open endpoint', ['  restServerConfig:', '    auth:', '      openEndpoints: [health, keyValueStore]'], /openEndpoints\[1\] must be one of "health", "ready", "butlerping", "documentation"/],
    ['a negative rate limit', ['  restServerConfig:', '    rateLimit:', '      maxPerMinute: -1'], /rateLimit\.maxPerMinute must be an integer >= 0/],
    ['a client CA without TLS', ['  restServerConfig:', '    tls:', '      clientCa: ca.pem'], /tls\.clientCa needs tls\.enable: true/],
    ['a zero maxFieldLength', ['  startTask:', '    maxFieldLength: 0'], /startTask\.maxFieldLength must be an integer >= 1/],
    ['a negative scriptLogTailLines', ['  startTask:', '    scriptLogTailLines: -1'], /startTask\.scriptLogTailLines must be an integer/],
    ['a huge scriptLogTailLines', ['  startTask:', '    scriptLogTailLines: 5000'], /startTask\.scriptLogTailLines must be an integer/],
  ];
  for (const [name, lines, expected] of cases) {
    const file = writeButlerConfig(t, lines);
    const problems = problemsOf(() => loadSettings(file, { env: {} }));
    assert.ok(problems.some((problem) => expected.test(problem)), `${name}: ${problems.join('\n')}`);
    for (const key of [secret, ...Object.values(KEYS)]) {
      assert.ok(!problems.join('\n').includes(key), `${name}: a key was repeated in the message`);
    }
  }
});

test('an empty (YAML null) apiKeys is an empty list; openEndpoints may be empty', (t) => {
  const file = writeButlerConfig(t, ['  restServerConfig:', '    auth:', '      apiKeys:', '      openEndpoints: []']);
  const { auth } = loadSettings(file, { env: {} }).server;
  assert.deepEqual([auth.enable, auth.apiKeys, auth.openEndpoints], [false, [], []]);
});

test('the redacted dump lists callers by name and scopes, and blanks digests, header values and the Redis password', () => {
  const settings = testSettings({
    server: { auth: { enable: true, apiKeys: [{ name: 'etl', sha256: sha256Hex(KEYS.starter), scopes: ['startTask'] }] } },
    keyValueStore: { redis: { url: 'redis://user:hunter2hunter2@redis.internal:6380/2' } },
  });
  const dump = redactedSettings(settings) as { server: { auth: unknown }; keyValueStore: { redis: { url: string } }; qrs: { headers: unknown } };
  const text = JSON.stringify(dump);
  for (const secret of [sha256Hex(KEYS.starter), 'hunter2hunter2', 'UserId=sa_repository']) assert.ok(!text.includes(secret), secret);
  assert.deepEqual(dump.server.auth, {
    enable: true,
    openEndpoints: ['health', 'ready', 'butlerping', 'documentation'],
    callers: [{ name: 'etl', scopes: ['startTask'] }],
  });
  assert.equal(dump.keyValueStore.redis.url, 'redis://user:[REDACTED]@redis.internal:6380/2');
  assert.deepEqual(dump.qrs.headers, [{ name: 'X-Qlik-User', value: '[REDACTED]' }]);
  assert.equal(JSON.stringify(redactedSettings(testSettings())).includes('[REDACTED]@'), false, 'a URL without a password is left alone');
});

test('loopback hosts', () => {
  for (const host of ['127.0.0.1', '127.1.2.3', 'localhost', 'LOCALHOST', '::1', '[::1]']) assert.equal(isLoopbackHost(host), true, host);
  for (const host of ['0.0.0.0', '::', '10.0.0.5', 'sense.example.invalid', '127.0.0.1.example.invalid', '1127.0.0.1']) {
    assert.equal(isLoopbackHost(host), false, host);
  }
});

test('startup warnings: exposed without auth, keys over plain HTTP, no rate limit, QRS not verified or not encrypted', () => {
  const warningsFor = (patch: DeepPartial<Settings>) => securityWarnings(testSettings(patch));
  const safe: DeepPartial<Settings> = { qrs: { rejectUnauthorized: true }, server: { rateLimit: { maxPerMinute: 100 } } };
  assert.deepEqual(warningsFor(safe), [], 'loopback, QRS verified');
  assert.deepEqual(
    warningsFor({ ...safe, server: { ...safe.server, host: '127.0.0.1', rateLimit: { maxPerMinute: 0 } } }),
    [],
    'no rate limit on loopback is fine',
  );

  const exposed = warningsFor({ ...safe, server: { ...safe.server, host: '0.0.0.0', port: 8080 } });
  assert.equal(exposed.length, 1);
  assert.match(exposed[0]!, /^SECURITY: caller authentication is OFF and the REST API listens on 0\.0\.0\.0:8080/);

  const keysInClear = warningsFor({ ...safe, server: { ...safe.server, host: '10.0.0.5', auth: { enable: true } } });
  assert.equal(keysInClear.length, 1);
  assert.match(keysInClear[0]!, /API keys travel in clear text/);
  assert.deepEqual(
    warningsFor({ ...safe, server: { ...safe.server, host: '10.0.0.5', auth: { enable: true }, tls: { enable: true } } }),
    [],
    'auth over HTTPS, exposed: nothing to say',
  );
  assert.match(warningsFor({ ...safe, server: { host: '10.0.0.5', auth: { enable: true }, tls: { enable: true }, rateLimit: { maxPerMinute: 0 } } }).join(), /rate limiting is off/);

  const unverified = warningsFor({ qrs: { rejectUnauthorized: false, host: 'sense.example.invalid', port: 4242 }, server: safe.server });
  assert.equal(unverified.length, 1);
  assert.match(unverified[0]!, /QRS's server certificate is not verified .*sense\.example\.invalid:4242.*Butler\.cert\.clientCertCA/);
  assert.match(warningsFor({ qrs: { useSSL: false }, server: safe.server }).join(), /plain HTTP \(Butler\.configQRS\.useSSL is false\)/);
});

test('trustProxy: addresses and CIDR ranges load as given; STG_TRUST_PROXY (a JSON list) overrides; YAML null is empty', (t) => {
  const listed = ['10.0.0.5', '172.28.0.0/24', 'fd00::/8', '::1', '::ffff:10.1.2.3', '192.168.1.7/32'];
  const file = writeButlerConfig(t, ['  restServerConfig:', `    trustProxy: [${listed.map((entry) => `"${entry}"`).join(', ')}]`]);
  assert.deepEqual(loadSettings(file, { env: {} }).server.trustProxy, listed);
  assert.deepEqual(loadSettings(file, { env: { STG_TRUST_PROXY: '["127.0.0.1"]' } }).server.trustProxy, ['127.0.0.1']);
  const empty = writeButlerConfig(t, ['  restServerConfig:', '    trustProxy:']);
  assert.deepEqual(loadSettings(empty, { env: {} }).server.trustProxy, []);
  const none = writeButlerConfig(t, ['  logLevel: info']);
  assert.deepEqual(loadSettings(none, { env: {} }).server.trustProxy, [], 'the default trusts no proxy');
});

test('trustProxy: every entry that is not an address or range is refused, naming its index and value', (t) => {
  const bad = ['nginx', '10.0.0.0/33', 'fd00::/129', '10.0.0.0/24/8', 'fe80::1%eth0', '', '10.0.0.0/', '10.0.0.0/2a', '10.0.0.256', 7];
  const file = writeButlerConfig(t, ['  restServerConfig:', `    trustProxy: [10.0.0.5, ${bad.map((entry) => JSON.stringify(entry)).join(', ')}]`]);
  const problems = problemsOf(() => loadSettings(file, { env: {} }));
  const key = (index: number) => `Butler.restServerConfig.trustProxy[${index}]`;
  const expected: [number, RegExp][] = [
    [1, /must be an IP address or a CIDR range such as 10\.0\.0\.5, 10\.0\.0\.0\/24 or fd00::\/8 \(host names are not resolved\), got "nginx"/],
    [2, /has a prefix length that is not 0-32 \(after the "\/" of an IPv4 range\), got "10\.0\.0\.0\/33"/],
    [3, /has a prefix length that is not 0-128 \(after the "\/" of an IPv6 range\), got "fd00::\/129"/],
    [4, /must be an IP address or a CIDR range/],
    [5, /must be an IP address or a CIDR range/],
    [6, /must be an IP address or a CIDR range/],
    [7, /has a prefix length/],
    [8, /has a prefix length/],
    [9, /must be an IP address or a CIDR range/],
    [10, /must be an IP address or a CIDR range, got 7/],
  ];
  for (const [index, pattern] of expected) {
    const problem = problems.find((line) => line.includes(`${key(index)} `));
    assert.ok(problem, `no problem reported for ${key(index)}:\n${problems.join('\n')}`);
    assert.match(problem, pattern);
    assert.ok(problem.startsWith(`${file}: `), problem);
  }
  assert.ok(!problems.some((line) => line.includes(`${key(0)} `)), 'a valid entry was refused');
  const fromEnv = problemsOf(() => loadSettings(writeButlerConfig(t, ['  logLevel: info']), { env: { STG_TRUST_PROXY: '["proxy.local"]' } }));
  assert.match(fromEnv.join('\n'), /^environment variable STG_TRUST_PROXY: Butler\.restServerConfig\.trustProxy\[0\] must be an IP address/m);
});

test('startup warning: a trustProxy range of every address lets any caller choose its client address', () => {
  const warningsFor = (trustProxy: string[]) =>
    securityWarnings(testSettings({ qrs: { rejectUnauthorized: true }, server: { trustProxy, rateLimit: { maxPerMinute: 100 } } }));
  assert.deepEqual(warningsFor(['10.0.0.5', '10.0.0.0/8', 'fd00::/8']), []);
  for (const everyone of ['0.0.0.0/0', '::/0']) {
    const warnings = warningsFor(['10.0.0.5', everyone]);
    assert.equal(warnings.length, 1, everyone);
    assert.match(warnings[0]!, new RegExp(`^SECURITY: Butler\\.restServerConfig\\.trustProxy lists ${everyone.replace(/\./g, '\\.')}, which trusts X-Forwarded-For from every caller`));
  }
});

test('callback secret: null by default, set in the file, overridden by STG_CALLBACK_SECRET', (t) => {
  const secret = 'file-callback-secret-3c9d';
  const none = writeButlerConfig(t, ['  startTaskCallback:', '    allowedUrlPrefixes: [https://hooks.example.com/]']);
  assert.equal(loadSettings(none, { env: {} }).startTask.callback.secret, null);
  const file = writeButlerConfig(t, ['  startTaskCallback:', `    secret: ${secret}`]);
  assert.equal(loadSettings(file, { env: {} }).startTask.callback.secret, secret);
  assert.equal(loadSettings(file, { env: { STG_CALLBACK_SECRET: 'env-callback-secret-81ab' } }).startTask.callback.secret, 'env-callback-secret-81ab');
  assert.equal(loadSettings(file, { env: { STG_CALLBACK_SECRET: '' } }).startTask.callback.secret, secret, 'an empty variable is ignored');
});

test('callback secret: a short, spaced or non-text secret is refused, naming its source, never repeating it', (t) => {
  const cases: [string, string[], Record<string, string>, RegExp][] = [
    ['too short', ['  startTaskCallback:', '    secret: short-cb-secret'], {}, /config\.yaml: Butler\.startTaskCallback\.secret must be a secret of 16-512 visible ASCII characters \(no spaces\), or null, \(the value is not shown/],
    ['a space', ['  startTaskCallback:', '    secret: "short-cb-secret with space"'], {}, /startTaskCallback\.secret must be a secret of 16-512/],
    ['a number', ['  startTaskCallback:', '    secret: 12345678901234567890'], {}, /startTaskCallback\.secret must be a secret of 16-512/],
    ['empty text', ['  startTaskCallback:', '    secret: ""'], {}, /startTaskCallback\.secret must be a secret of 16-512/],
    ['from the environment', ['  logLevel: info'], { STG_CALLBACK_SECRET: 'short-cb-secret' }, /^environment variable STG_CALLBACK_SECRET: Butler\.startTaskCallback\.secret must be/],
  ];
  for (const [name, lines, env, expected] of cases) {
    const problems = problemsOf(() => loadSettings(writeButlerConfig(t, lines), { env }));
    assert.equal(problems.length, 1, `${name}: ${problems.join('\n')}`);
    assert.match(problems[0]!, expected, name);
    for (const secret of ['short-cb-secret', '12345678901234567890']) assert.ok(!problems[0]!.includes(secret), `${name}: the secret was repeated`);
  }
});

test('the redacted dump blanks the callback secret and shows whether one is set', () => {
  const secret = 'dump-callback-secret-6e0f';
  const dumpOf = (value: string | null) =>
    redactedSettings(testSettings({ startTask: { callback: { secret: value } } })) as { startTask: { callback: { secret: unknown } } };
  const dump = dumpOf(secret);
  assert.equal(dump.startTask.callback.secret, '[REDACTED]');
  assert.ok(!JSON.stringify(dump).includes(secret));
  assert.equal(dumpOf(null).startTask.callback.secret, null);
});

test('startup warning: callbacks on without a secret are unsigned', () => {
  const warningsFor = (callback: DeepPartial<Settings['startTask']['callback']>) =>
    securityWarnings(testSettings({ qrs: { rejectUnauthorized: true }, server: { rateLimit: { maxPerMinute: 100 } }, startTask: { callback } }));
  assert.deepEqual(warningsFor({ allowedUrlPrefixes: [] }), [], 'callbacks off: nothing to sign');
  assert.deepEqual(warningsFor({ allowedUrlPrefixes: ['https://hooks.example.com/'], secret: 'warning-test-secret-0a1b' }), []);
  const unsigned = warningsFor({ allowedUrlPrefixes: ['https://hooks.example.com/'], secret: null });
  assert.equal(unsigned.length, 1);
  assert.match(unsigned[0]!, /^SECURITY: callbacks are on but unsigned \(Butler\.startTaskCallback\.secret is not set\).*STG_CALLBACK_SECRET/);
});

test('startup warning: waiting requests allowed to hold every connection', () => {
  const warningsFor = (maxWaitingRequests: number, maxConnections: number) =>
    securityWarnings(testSettings({ qrs: { rejectUnauthorized: true }, server: { maxConnections, rateLimit: { maxPerMinute: 100 } }, startTask: { maxWaitingRequests } }));
  assert.deepEqual(warningsFor(500, 1000), [], 'the defaults');
  assert.deepEqual(warningsFor(99, 100), []);
  for (const [waiting, connections] of [[100, 100], [500, 100]] as const) {
    assert.deepEqual(warningsFor(waiting, connections), [
      `SECURITY: Butler.startTask.maxWaitingRequests (${waiting}) is not below Butler.restServerConfig.maxConnections (${connections}): ` +
        'wait=true requests can hold every connection and lock out /health, /ready and every other caller. Keep it well below maxConnections.',
    ]);
  }
});
