import assert from 'node:assert/strict';
import { createPrivateKey, X509Certificate } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm, stat, unlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import {
  ensureCertFiles,
  generateCertBundle,
  readCertBundle,
  writeCertBundle,
  type CertBundle,
} from '../../src/simulator/index.js';

describe('generateCertBundle', () => {
  let bundle: CertBundle;
  before(async () => {
    bundle = await generateCertBundle({ commonName: 'Test CA' });
  });

  it('makes a CA that signed both the server and the client cert', () => {
    const ca = new X509Certificate(bundle.caCert);
    assert.equal(ca.ca, true);
    assert.match(ca.subject, /CN=Test CA/);
    for (const pem of [bundle.serverCert, bundle.clientCert]) {
      const cert = new X509Certificate(pem);
      assert.equal(cert.ca, false);
      assert.ok(cert.checkIssued(ca), 'issued by the CA');
      assert.ok(cert.verify(ca.publicKey), 'signature verifies with the CA key');
    }
  });

  it('names localhost, 127.0.0.1 and ::1 in the server cert', () => {
    const server = new X509Certificate(bundle.serverCert);
    assert.ok(server.checkHost('localhost'));
    assert.ok(server.checkIP('127.0.0.1'));
    assert.ok(server.checkIP('::1'));
    assert.equal(server.checkIP('10.0.0.1'), undefined);
  });

  it('pairs each cert with its own private key', () => {
    const server = new X509Certificate(bundle.serverCert);
    const client = new X509Certificate(bundle.clientCert);
    assert.ok(server.checkPrivateKey(createPrivateKey(bundle.serverKey)));
    assert.ok(client.checkPrivateKey(createPrivateKey(bundle.clientKey)));
    assert.equal(server.checkPrivateKey(createPrivateKey(bundle.clientKey)), false);
  });

  it('makes a new CA on every call', async () => {
    const other = await generateCertBundle();
    assert.notEqual(other.caCert, bundle.caCert);
    assert.equal(new X509Certificate(other.serverCert).checkIssued(new X509Certificate(bundle.caCert)), false);
  });
});

describe('writeCertBundle, readCertBundle and ensureCertFiles', () => {
  let dir: string;
  let bundle: CertBundle;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'stg-certs-test-'));
    bundle = await generateCertBundle();
  });
  after(() => rm(dir, { recursive: true, force: true }));

  it('writes the QMC file names, keys readable by the owner only', async (t) => {
    const target = join(dir, 'written');
    const paths = await writeCertBundle(target, bundle);
    assert.equal(paths.dir, target);
    assert.deepEqual(
      [paths.ca, paths.clientCert, paths.clientKey, paths.serverCert, paths.serverKey].map((p) => basename(p)),
      ['root.pem', 'client.pem', 'client_key.pem', 'server.pem', 'server_key.pem'],
    );
    assert.equal(await readFile(paths.clientKey, 'utf8'), bundle.clientKey);
    assert.deepEqual(await readCertBundle(paths), bundle);
    if (process.platform === 'win32') {
      t.diagnostic('file modes are not POSIX on Windows');
      return;
    }
    assert.equal((await stat(paths.clientKey)).mode & 0o777, 0o600);
    assert.equal((await stat(paths.serverKey)).mode & 0o777, 0o600);
  });

  it('generates once and then reuses the files', async () => {
    const target = join(dir, 'ensured');
    const first = await readCertBundle(await ensureCertFiles(target));
    const second = await readCertBundle(await ensureCertFiles(target));
    assert.deepEqual(second, first);
    assert.ok(new X509Certificate(first.clientCert).checkIssued(new X509Certificate(first.caCert)));
  });

  it('regenerates the whole set when a file is missing', async () => {
    const target = join(dir, 'partial');
    const paths = await ensureCertFiles(target);
    const before = await readCertBundle(paths);
    await unlink(paths.serverKey);
    const after = await readCertBundle(await ensureCertFiles(target));
    assert.notEqual(after.caCert, before.caCert);
    assert.ok(new X509Certificate(after.serverCert).checkIssued(new X509Certificate(after.caCert)));
  });

  it('gives processes starting together one complete set, and leaves no staging folder', async () => {
    const parent = join(dir, 'race');
    const target = join(parent, 'certs');
    await Promise.all([ensureCertFiles(target), ensureCertFiles(target), ensureCertFiles(target)]);
    const bundleOnDisk = await readCertBundle(await ensureCertFiles(target));
    const ca = new X509Certificate(bundleOnDisk.caCert);
    assert.ok(new X509Certificate(bundleOnDisk.clientCert).checkIssued(ca));
    assert.ok(new X509Certificate(bundleOnDisk.serverCert).checkIssued(ca));
    assert.ok(new X509Certificate(bundleOnDisk.clientCert).checkPrivateKey(createPrivateKey(bundleOnDisk.clientKey)));
    assert.ok(new X509Certificate(bundleOnDisk.serverCert).checkPrivateKey(createPrivateKey(bundleOnDisk.serverKey)));
    assert.deepEqual(await readdir(parent), ['certs']);
  });
});
