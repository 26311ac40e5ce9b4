/**
 * Mutual TLS for callers (Butler.restServerConfig.tls.clientCa): real HTTPS on a loopback
 * port, certificates made by the simulator's generator. A caller without a certificate, or
 * with one from another CA, is refused in the handshake, before the app sees a request.
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import type { ServerSettings } from '../../src/config/settings.js';
import { httpsOptions } from '../../src/service.js';
import { generateCertBundle, writeCertBundle, type CertBundle, type CertPaths } from '../../src/simulator/index.js';
import { buildTestApp, listen } from '../helpers/app.js';
import { createCapturingLogger } from '../helpers/logger.js';

let dir: string;
let trusted: { bundle: CertBundle; paths: CertPaths };
let stranger: { bundle: CertBundle; paths: CertPaths };

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'stg-mtls-'));
  const make = async (name: string) => {
    const bundle = await generateCertBundle({ commonName: `${name} CA` });
    return { bundle, paths: await writeCertBundle(join(dir, name), bundle) };
  };
  [trusted, stranger] = await Promise.all([make('trusted'), make('stranger')]);
});

after(() => rm(dir, { recursive: true, force: true }));

function tlsSettings(overrides: Partial<ServerSettings['tls']> = {}): ServerSettings['tls'] {
  return {
    enable: true,
    cert: trusted.paths.serverCert,
    key: trusted.paths.serverKey,
    ca: null,
    clientCa: trusted.paths.ca,
    ...overrides,
  };
}

interface Answer {
  status: number;
  body: string;
}

/** GET over HTTPS trusting the trusted CA, with an optional client certificate; no keep-alive. */
function get(base: string, path: string, client?: CertBundle): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request(
      `${base}${path}`,
      { ca: trusted.bundle.caCert, agent: false, ...(client ? { cert: client.clientCert, key: client.clientKey } : {}) },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (body += chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end();
  });
}

async function serve(t: { after: (fn: () => Promise<void>) => void }, tls: ServerSettings['tls']) {
  const { logger, lines } = createCapturingLogger('info');
  const https = httpsOptions(tls);
  assert.ok(https);
  const app = await buildTestApp({ https, logger });
  const base = await listen(app);
  t.after(() => app.close());
  return { base, lines };
}

test('with a client CA: a caller without a certificate is refused in the handshake', async (t) => {
  const { base, lines } = await serve(t, tlsSettings());
  await assert.rejects(get(base, '/v4/butlerping'), (error: NodeJS.ErrnoException) => {
    assert.match(String(error.code), /CERTIFICATE_REQUIRED|ECONNRESET|EPIPE/);
    return true;
  });
  assert.equal(lines().filter((line) => line.includes('/v4/butlerping')).length, 0, 'the app never saw the request');
});

test('with a client CA: a certificate from another CA is refused; one it signed gets through', async (t) => {
  const { base } = await serve(t, tlsSettings());
  await assert.rejects(get(base, '/v4/butlerping', stranger.bundle), (error: NodeJS.ErrnoException) => {
    assert.match(String(error.code), /UNKNOWN_CA|ECONNRESET|EPIPE|CERTIFICATE/);
    return true;
  });
  const answer = await get(base, '/v4/butlerping', trusted.bundle);
  assert.equal(answer.status, 200);
  assert.match(answer.body, /Butler reporting for duty/);
});

test('the tls.ca bundle is sent with the server certificate but never trusted for callers', async (t) => {
  // The stranger CA plays the server certificate's (public) CA: its certificates must not log in.
  const { base } = await serve(t, tlsSettings({ ca: stranger.paths.ca }));
  await assert.rejects(get(base, '/health', stranger.bundle));
  assert.equal((await get(base, '/health', trusted.bundle)).status, 200);
});

test('without a client CA, HTTPS serves callers without certificates', async (t) => {
  const { base } = await serve(t, tlsSettings({ clientCa: null }));
  assert.equal((await get(base, '/health')).status, 200);
});

test('httpsOptions: plain HTTP when tls is off; a missing file is a ConfigError naming its key', () => {
  assert.equal(httpsOptions({ ...tlsSettings(), enable: false }), undefined);
  assert.throws(
    () => httpsOptions(tlsSettings({ clientCa: join(trusted.paths.dir, 'missing.pem') })),
    /Butler\.restServerConfig\.tls\.clientCa: cannot read/,
  );
});
