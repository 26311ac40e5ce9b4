import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { test } from 'node:test';
import fc from 'fast-check';
import { closeLogger, createLogger, isSecretName, REDACTED, redactValue } from '../../src/logging/index.js';
import { createCapturingLogger } from '../helpers/logger.js';

const PEM_KEY = '-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASC\n-----END PRIVATE KEY-----\n';
const SECRET_FIELDS = ['apiKey', 'apiKeys', 'token', 'authorization', 'Authorization', 'x-api-key', 'X-API-Key', 'password', 'secret'];

test('fields named like secrets are blanked; a plain key is not', () => {
  for (const name of [...SECRET_FIELDS, 'clientSecret', 'accessToken', 'db_password', 'passphrase']) {
    assert.equal(isSecretName(name), true, name);
    assert.deepEqual(redactValue({ [name]: 'hunter2' }), { [name]: REDACTED }, name);
  }
  for (const name of ['key', 'namespace', 'taskId', 'keyCount', 'tokenCount', 'value']) {
    assert.equal(isSecretName(name), false, name);
  }
  assert.deepEqual(redactValue({ namespace: 'reloads', key: 'token', value: 'plain' }), {
    namespace: 'reloads',
    key: 'token',
    value: 'plain',
  });
});

test('PEM text, binary buffers and URL passwords are blanked anywhere in the tree', () => {
  const redacted = redactValue({
    tls: { options: { cert: Buffer.from(PEM_KEY), ca: [PEM_KEY] } },
    note: `loaded ${PEM_KEY}`,
    redis: 'redis://:hunter2@127.0.0.1:6379/0',
    qrs: 'https://user:pw@sense.example.invalid:4242/qrs',
    plainUrl: 'https://sense.example.invalid:4242/qrs/about',
  });
  assert.deepEqual(redacted, {
    tls: { options: { cert: `[binary, ${Buffer.byteLength(PEM_KEY)} bytes]`, ca: [REDACTED] } },
    note: REDACTED,
    redis: `redis://:${REDACTED}@127.0.0.1:6379/0`,
    qrs: `https://user:${REDACTED}@sense.example.invalid:4242/qrs`,
    plainUrl: 'https://sense.example.invalid:4242/qrs/about',
  });
});

test("errors in meta keep name, message and code only, never the request they carry", () => {
  const error = Object.assign(new Error('connect ECONNREFUSED'), {
    code: 'ECONNREFUSED',
    config: { headers: { 'X-Qlik-Xrfkey': 'abc', Authorization: 'Bearer t0ken' }, httpsAgent: { options: { key: PEM_KEY } } },
  });
  assert.deepEqual(redactValue({ error }), {
    error: { name: 'Error', message: 'connect ECONNREFUSED', code: 'ECONNREFUSED' },
  });
});

test("the caller's objects are left untouched, and cycles do not break logging", () => {
  const meta: Record<string, unknown> = { headers: { authorization: 'Bearer t0ken' } };
  meta.self = meta;
  const redacted = redactValue(meta) as Record<string, unknown>;
  assert.deepEqual(redacted.headers, { authorization: REDACTED });
  assert.equal(redacted.self, '[Circular]');
  assert.equal((meta.headers as Record<string, string>).authorization, 'Bearer t0ken');
});

test('property: a secret under a secret-named field never survives, at any depth', () => {
  const secretName = fc.constantFrom(...SECRET_FIELDS);
  const plainName = fc.constantFrom('a', 'options', 'headers', 'items', 'config', 'data');
  fc.assert(
    fc.property(fc.array(plainName, { maxLength: 6 }), secretName, fc.boolean(), (pathNames, name, inList) => {
      const marker = 'SECRET-MARKER-7f3a';
      let tree: unknown = { [name]: marker, beside: 'visible' };
      for (const segment of [...pathNames].reverse()) tree = { [segment]: inList ? [tree] : tree };
      const output = JSON.stringify(redactValue(tree));
      return !output.includes(marker) && output.includes('visible');
    }),
  );
});

test('no transport ever prints a secret passed in meta or message, in either format', async () => {
  const directory = mkdtempSync(path.join(tmpdir(), 'stg-redact-'));
  try {
    const printed: string[] = [];
    for (const format of ['text', 'json'] as const) {
      const consoleStream = new Writable({
        write(chunk: Buffer | string, _encoding, done) {
          printed.push(String(chunk));
          done();
        },
      });
      const logger = createLogger(
        { level: 'silly', fileLogging: true, directory: path.join(directory, format), format },
        { consoleStream },
      );
      logger.info('calling QRS', {
        headers: { 'x-api-key': 'key-value-one', Authorization: 'Bearer bearer-value-two' },
        apiKeys: ['list-value-three'],
        cert: PEM_KEY,
      });
      logger.warn(`certificate was ${PEM_KEY}`);
      logger.debug('store', { url: 'redis://:pass-value-four@127.0.0.1:6379' });
      await closeLogger(logger);
      for (const file of readdirSync(path.join(directory, format)).filter((name) => name.endsWith('.log'))) {
        printed.push(readFileSync(path.join(directory, format, file), 'utf8'));
      }
    }
    const everything = printed.join('\n');
    assert.ok(everything.includes('calling QRS'));
    for (const secret of ['key-value-one', 'bearer-value-two', 'list-value-three', 'BEGIN PRIVATE KEY', 'MIIEvQ', 'pass-value-four']) {
      assert.ok(!everything.includes(secret), `${secret} was printed`);
    }
  } finally {
    rmSync(directory, { recursive: true, force: true });
  }
});

test('the capturing test logger applies the same redaction and level', () => {
  const { logger, lines } = createCapturingLogger('info');
  logger.info('started', { token: 'abc123', key: 'my-key' });
  logger.debug('hidden');
  assert.equal(lines().length, 1);
  const entry = JSON.parse(lines()[0] ?? '{}') as Record<string, unknown>;
  assert.deepEqual([entry.level, entry.message, entry.token, entry.key], ['info', 'started', REDACTED, 'my-key']);
  assert.throws(() => createCapturingLogger('loud'), /unknown log level "loud"/);
});
