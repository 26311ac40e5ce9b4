/**
 * Butler.qlikCloud and Butler.configQRS.enable: a Qlik Cloud-only file loads without QRS
 * certificates, at least one backend must be on, the tenant URL is https (http on loopback
 * only), one kind of credentials, a task map keyed by task IDs; environment overrides; and
 * the API key and client secret never reach an error message or the config dump.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { loadSettings, redactedSettings, securityWarnings } from '../../src/config/index.js';
import { problemsOf, writeButlerConfig } from '../helpers/config-file.js';

const API_KEY = 'eyJhbGciOi.cloud-api-key-5c2e9a71';
const CLIENT_ID = 'client-id-0b6a3c';
const CLIENT_SECRET = 'cloud-client-secret-8f13d04e';
const TASK = '0f1d6a3e-5b2c-4c8e-9a61-2d0c1e7f4b90';
const APP = '5a1e0c3b-7f2d-4c61-9b8e-2d4f6a8c0001';

function cloudYaml(...lines: string[]): string[] {
  return ['  qlikCloud:', ...lines.map((line) => `    ${line}`)];
}

test('a Qlik Cloud-only file loads: no QRS certificates or X-Qlik-User needed, defaults filled in, task IDs lower-cased', (t) => {
  const file = writeButlerConfig(t, [
    '  configQRS:',
    '    enable: false',
    '    headers:',
    '      static: []',
    '  cert:',
    '    clientCert: /nowhere/client.pem',
    ...cloudYaml(
      'enable: true',
      'tenantUrl: https://Acme.EU.qlikcloud.com/',
      `apiKey: ${API_KEY}`,
      'taskMap:',
      `  ${TASK.toUpperCase()}: ${APP}`,
    ),
  ]);
  const settings = loadSettings(file, { env: {} });
  assert.equal(settings.qrs.enable, false);
  assert.deepEqual(settings.qlikCloud, {
    enable: true,
    tenantUrl: 'https://acme.eu.qlikcloud.com',
    credentials: { kind: 'apiKey', apiKey: API_KEY },
    timeoutMs: 10000,
    maxRequestsPerMinute: 600,
    taskMap: new Map([[TASK, APP]]),
    webhook: { enable: false },
  });
  assert.deepEqual(securityWarnings(settings), [], 'no warning about QRS, which is not called');
});

test('OAuth client credentials, timeoutMs and maxRequestsPerMinute; http is allowed on loopback addresses only', (t) => {
  for (const tenantUrl of ['http://127.0.0.1:8123', 'http://localhost', 'http://[::1]:9000']) {
    const file = writeButlerConfig(t, [
      ...cloudYaml(
        'enable: true',
        `tenantUrl: "${tenantUrl}"`,
        'oauth:',
        `  clientId: ${CLIENT_ID}`,
        `  clientSecret: ${CLIENT_SECRET}`,
        'timeoutMs: 2500',
        'maxRequestsPerMinute: 50',
      ),
    ]);
    const cloud = loadSettings(file, { env: {} }).qlikCloud;
    assert.ok(cloud.enable);
    assert.equal(cloud.tenantUrl, new URL(tenantUrl).origin);
    assert.deepEqual(cloud.credentials, { kind: 'oauth', clientId: CLIENT_ID, clientSecret: CLIENT_SECRET });
    assert.deepEqual([cloud.timeoutMs, cloud.maxRequestsPerMinute, cloud.taskMap.size], [2500, 50, 0]);
  }
});

test('a disabled qlikCloud section with nothing but defaults is { enable: false }; QRS stays on', (t) => {
  const settings = loadSettings(writeButlerConfig(t, cloudYaml('enable: false', 'tenantUrl:', 'taskMap:')), { env: {} });
  assert.deepEqual(settings.qlikCloud, { enable: false });
  assert.equal(settings.qrs.enable, true);
});

test('bad Qlik Cloud settings are refused, one line each naming the key', async (t) => {
  const cases: { name: string; lines: string[]; expected: string[] }[] = [
    {
      name: 'both backends off',
      lines: ['  configQRS:', '    enable: false'],
      expected: ['{file}: Butler.configQRS.enable and Butler.qlikCloud.enable are both false: at least one backend must be on'],
    },
    {
      name: 'enabled without tenant URL or credentials',
      lines: cloudYaml('enable: true'),
      expected: [
        '{file}: Butler.qlikCloud.tenantUrl must be set when qlikCloud.enable is true',
        '{file}: Butler.qlikCloud.apiKey (or oauth.clientId and oauth.clientSecret) must be set when qlikCloud.enable is true',
      ],
    },
    {
      name: 'API key and OAuth client both set',
      lines: cloudYaml('enable: true', 'tenantUrl: https://a.eu.qlikcloud.com', `apiKey: ${API_KEY}`, 'oauth:', `  clientSecret: ${CLIENT_SECRET}`),
      expected: ['{file}: Butler.qlikCloud.apiKey and oauth.clientId/clientSecret are both set: use one of them'],
    },
    {
      name: 'OAuth client ID without its secret',
      lines: cloudYaml('enable: true', 'tenantUrl: https://a.eu.qlikcloud.com', 'oauth:', `  clientId: ${CLIENT_ID}`),
      expected: ['{file}: Butler.qlikCloud.oauth.clientSecret must be set with oauth.clientId'],
    },
    {
      name: 'plain http to a remote tenant',
      lines: cloudYaml('tenantUrl: http://a.eu.qlikcloud.com'),
      expected: ['{file}: Butler.qlikCloud.tenantUrl must be an https:// URL (http:// only on a loopback address), got "http://a.eu.qlikcloud.com"'],
    },
    {
      name: 'tenant URL with a path',
      lines: cloudYaml('tenantUrl: https://a.eu.qlikcloud.com/api/v1'),
      expected: [
        '{file}: Butler.qlikCloud.tenantUrl must be the tenant URL such as https://acme.eu.qlikcloud.com (no path), or null, got "https://a.eu.qlikcloud.com/api/v1"',
      ],
    },
    {
      name: 'task map keyed by something else than a task ID',
      lines: cloudYaml('taskMap:', `  nightly-sales: ${APP}`),
      expected: ['{file}: Butler.qlikCloud.taskMap.nightly-sales must be keyed by a task ID (GUID)'],
    },
    {
      name: 'task map value that is not an app ID',
      lines: cloudYaml('taskMap:', `  ${TASK}: apps/../${APP}`),
      expected: [
        `{file}: Butler.qlikCloud.taskMap.${TASK} must be a Qlik Cloud app ID (1-64 letters, digits, "-", "_", "~" or ".", not starting with "."), got "apps/../${APP}"`,
      ],
    },
    {
      name: 'one task mapped twice (task IDs compare case-insensitively)',
      lines: cloudYaml('taskMap:', `  ${TASK}: ${APP}`, `  ${TASK.toUpperCase()}: other-app`),
      expected: [`{file}: Butler.qlikCloud.taskMap.${TASK.toUpperCase()} repeats the task ID ${TASK} (task IDs are compared case-insensitively)`],
    },
    {
      name: 'no requests allowed at all',
      lines: cloudYaml('maxRequestsPerMinute: 0'),
      expected: ['{file}: Butler.qlikCloud.maxRequestsPerMinute must be an integer >= 1, got 0'],
    },
  ];
  for (const { name, lines, expected } of cases) {
    await t.test(name, (t) => {
      const file = writeButlerConfig(t, lines);
      assert.deepEqual(
        problemsOf(() => loadSettings(file, { env: {} })),
        expected.map((line) => line.replace('{file}', file)),
      );
    });
  }
});

test('STG_QLIK_CLOUD_* and STG_QRS_ENABLE override the file, so the secrets can stay out of it', (t) => {
  const file = writeButlerConfig(t, cloudYaml('tenantUrl: https://file.eu.qlikcloud.com'));
  const env = {
    STG_QRS_ENABLE: 'false',
    STG_QLIK_CLOUD_ENABLE: 'true',
    STG_QLIK_CLOUD_TENANT_URL: 'https://env.eu.qlikcloud.com',
    STG_QLIK_CLOUD_CLIENT_ID: CLIENT_ID,
    STG_QLIK_CLOUD_CLIENT_SECRET: CLIENT_SECRET,
  };
  const settings = loadSettings(file, { env });
  assert.equal(settings.qrs.enable, false);
  assert.ok(settings.qlikCloud.enable);
  assert.equal(settings.qlikCloud.tenantUrl, 'https://env.eu.qlikcloud.com');
  assert.deepEqual(settings.qlikCloud.credentials, { kind: 'oauth', clientId: CLIENT_ID, clientSecret: CLIENT_SECRET });

  const withKey = loadSettings(file, { env: { STG_QLIK_CLOUD_ENABLE: 'true', STG_QLIK_CLOUD_API_KEY: API_KEY } });
  assert.ok(withKey.qlikCloud.enable);
  assert.deepEqual(withKey.qlikCloud.credentials, { kind: 'apiKey', apiKey: API_KEY });
});

test('the API key and client secret are never echoed in an error, nor shown in the config dump', (t) => {
  const badKey = `${API_KEY} with spaces`;
  const badSecret = `${CLIENT_SECRET} with spaces`;
  const file = writeButlerConfig(t, cloudYaml('enable: true', 'tenantUrl: https://a.eu.qlikcloud.com', `apiKey: ${badKey}`, 'oauth:', `  clientSecret: ${badSecret}`));
  const problems = problemsOf(() => loadSettings(file, { env: {} }));
  assert.ok(problems.some((line) => line.includes('Butler.qlikCloud.apiKey must be an API key')), problems.join('\n'));
  assert.ok(problems.some((line) => line.includes('Butler.qlikCloud.oauth.clientSecret must be an OAuth client secret')));
  for (const secret of [API_KEY, CLIENT_SECRET]) assert.ok(!problems.join('\n').includes(secret), `${secret} echoed`);

  const withKey = writeButlerConfig(t, cloudYaml('enable: true', 'tenantUrl: https://a.eu.qlikcloud.com', `apiKey: ${API_KEY}`, 'taskMap:', `  ${TASK}: ${APP}`));
  const withClient = writeButlerConfig(t, cloudYaml('enable: true', 'tenantUrl: https://a.eu.qlikcloud.com', 'oauth:', `  clientId: ${CLIENT_ID}`, `  clientSecret: ${CLIENT_SECRET}`));
  const dumpOfKey = redactedSettings(loadSettings(withKey, { env: {} })) as { qlikCloud: unknown };
  const dumpOfClient = redactedSettings(loadSettings(withClient, { env: {} })) as { qlikCloud: unknown };
  assert.deepEqual(dumpOfKey.qlikCloud, {
    enable: true,
    tenantUrl: 'https://a.eu.qlikcloud.com',
    credentials: { kind: 'apiKey', apiKey: '[REDACTED]' },
    timeoutMs: 10000,
    maxRequestsPerMinute: 600,
    taskMap: { [TASK]: APP },
    webhook: { enable: false },
  });
  assert.deepEqual((dumpOfClient.qlikCloud as { credentials: unknown }).credentials, {
    kind: 'oauth',
    clientId: CLIENT_ID,
    clientSecret: '[REDACTED]',
  });
  const dumps = JSON.stringify([dumpOfKey, dumpOfClient]);
  assert.ok(!dumps.includes(API_KEY) && !dumps.includes(CLIENT_SECRET));
});

const WEBHOOK_SECRET = 'qlik-webhook-secret-27c41d9e-0b5f93a6c4e1';

test('the webhook needs its secret when on; STG_QLIK_CLOUD_WEBHOOK_SECRET sets it; it is never echoed nor dumped', (t) => {
  const enabled = ['enable: true', 'tenantUrl: https://a.eu.qlikcloud.com', `apiKey: ${API_KEY}`];
  const without = writeButlerConfig(t, cloudYaml(...enabled, 'webhook:', '  enable: true'));
  assert.deepEqual(problemsOf(() => loadSettings(without, { env: {} })), [
    `${without}: Butler.qlikCloud.webhook.secret must be set when qlikCloud.webhook.enable is true`,
  ]);

  const settings = loadSettings(without, { env: { STG_QLIK_CLOUD_WEBHOOK_SECRET: WEBHOOK_SECRET } });
  assert.ok(settings.qlikCloud.enable);
  assert.deepEqual(settings.qlikCloud.webhook, { enable: true, secret: WEBHOOK_SECRET });
  const dump = JSON.stringify(redactedSettings(settings));
  assert.ok(dump.includes('"webhook":{"enable":true,"secret":"[REDACTED]"}'), dump);
  assert.ok(!dump.includes(WEBHOOK_SECRET));

  for (const bad of ['short-secret-of-31-characters-x', 'x'.repeat(65), `${'x'.repeat(30)} with a space`]) {
    const file = writeButlerConfig(t, cloudYaml(...enabled, 'webhook:', '  enable: true', `  secret: "${bad}"`));
    assert.deepEqual(problemsOf(() => loadSettings(file, { env: {} })), [
      `${file}: Butler.qlikCloud.webhook.secret must be the webhook secret set in Qlik Cloud: 32-64 visible ASCII ` +
        'characters (no spaces), or null, (the value is not shown: it may hold a credential)',
    ]);
  }

  const off = writeButlerConfig(t, cloudYaml(...enabled, 'webhook:', `  secret: ${WEBHOOK_SECRET}`));
  const offSettings = loadSettings(off, { env: {} });
  assert.ok(offSettings.qlikCloud.enable);
  assert.deepEqual(offSettings.qlikCloud.webhook, { enable: false }, 'a secret alone does not open the endpoint');
});
