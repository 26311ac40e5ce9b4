import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import winston from 'winston';
import { ConfigError } from '../../src/errors.js';
import { createQrsClient } from '../../src/qrs/index.js';
import { generateCertBundle, writeCertBundle, type CertBundle, type CertPaths } from '../../src/simulator/index.js';
import { testCertBundle } from '../helpers/simulator.js';
import { qrsSettingsFor } from './qrs-test-client.js';

let dir: string;
let paths: CertPaths;
let certs: CertBundle;
let otherKeyPath: string;
let notPemPath: string;

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'stg-qrs-certs-'));
  certs = await testCertBundle();
  paths = await writeCertBundle(join(dir, 'good'), certs);
  const other = await writeCertBundle(join(dir, 'other'), await generateCertBundle());
  otherKeyPath = other.clientKey;
  notPemPath = join(dir, 'not-a-pem.txt');
  await writeFile(notPemPath, 'this is not a certificate');
});
after(() => rm(dir, { recursive: true, force: true }));

const silent = winston.createLogger({ silent: true });

function configErrorFor(overrides: Parameters<typeof qrsSettingsFor>[2]): ConfigError {
  try {
    const qrs = createQrsClient(qrsSettingsFor(4242, paths, overrides), { logger: silent });
    void qrs.close();
  } catch (error) {
    assert.ok(error instanceof ConfigError, String(error));
    return error;
  }
  return assert.fail('expected a ConfigError');
}

test('a missing certificate file is a ConfigError naming the Butler key and the path', () => {
  const cases = [
    { key: 'Butler.cert.clientCert', override: { clientCert: join(dir, 'missing-client.pem') } },
    { key: 'Butler.cert.clientCertKey', override: { clientCertKey: join(dir, 'missing-key.pem') } },
    { key: 'Butler.cert.clientCertCA', override: { clientCertCA: join(dir, 'missing-root.pem') } },
  ];
  for (const { key, override } of cases) {
    const error = configErrorFor(override);
    const path = Object.values(override)[0] ?? '';
    assert.equal(error.keyPath, key);
    assert.equal(error.code, 'ERR_CONFIG');
    assert.ok(error.message.includes(key), error.message);
    assert.ok(error.message.includes(path), error.message);
    assert.match(error.message, /ENOENT/);
  }
});

test('files TLS cannot use are ConfigErrors too, and never quote PEM contents', () => {
  const cases = [
    { key: 'Butler.cert.clientCert', override: { clientCert: notPemPath } },
    { key: 'Butler.cert.clientCertKey', override: { clientCertKey: notPemPath } },
    { key: 'Butler.cert.clientCertKey', override: { clientCertKey: otherKeyPath } },
    { key: 'Butler.cert.clientCertCA', override: { clientCertCA: notPemPath, rejectUnauthorized: true } },
  ];
  for (const { key, override } of cases) {
    const error = configErrorFor(override);
    assert.equal(error.keyPath, key, error.message);
    assert.doesNotMatch(error.message, /BEGIN|this is not a certificate/);
  }
});

test('plain http (useSSL false) needs no certificate files', async (t) => {
  const server = createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'application/json' }).end('{"buildVersion":"plain"}');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.after(() => new Promise<void>((resolve) => server.close(() => resolve())));
  const missing = join(dir, 'nothing-here.pem');
  const settings = qrsSettingsFor((server.address() as AddressInfo).port, paths, {
    useSSL: false,
    clientCert: missing,
    clientCertKey: missing,
    clientCertCA: missing,
  });
  const qrs = createQrsClient(settings, { logger: silent });
  try {
    assert.deepEqual(await qrs.about(), { buildVersion: 'plain' }, 'the client was made and calls QRS');
  } finally {
    await qrs.close();
  }
  assert.ok(configErrorFor({ clientCert: missing }) instanceof ConfigError, 'the same files are required with TLS');
});
