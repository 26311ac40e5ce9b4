import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import winston from 'winston';
import { createQrsClient, QrsUnavailableError } from '../../src/qrs/index.js';
import { generateCertBundle, writeCertBundle, type CertPaths } from '../../src/simulator/index.js';
import { startTestSimulator, type TestSimulator } from '../helpers/simulator.js';
import { qrsSettingsFor } from './qrs-test-client.js';

let simulator: TestSimulator;
let otherDir: string;
/** A complete bundle from a second CA the simulator does not trust. */
let otherPaths: CertPaths;

before(async () => {
  simulator = await startTestSimulator();
  otherDir = await mkdtemp(join(tmpdir(), 'stg-qrs-other-ca-'));
  otherPaths = await writeCertBundle(otherDir, await generateCertBundle({ commonName: 'some other CA' }));
});
after(async () => {
  await simulator.close();
  await rm(otherDir, { recursive: true, force: true });
});

const silent = winston.createLogger({ silent: true });

function client(t: { after(fn: () => Promise<void>): void }, overrides: Parameters<typeof qrsSettingsFor>[2]) {
  const qrs = createQrsClient(qrsSettingsFor(simulator.sim.port, simulator.certPaths, overrides), { logger: silent });
  t.after(() => qrs.close());
  return qrs;
}

test('mutual TLS with the client cert the simulator trusts works', async (t) => {
  const qrs = client(t, {});
  assert.equal(typeof (await qrs.about()).buildVersion, 'string');
});

test('a client cert signed by another CA is refused in the handshake: QrsUnavailableError', async (t) => {
  const qrs = client(t, { clientCert: otherPaths.clientCert, clientCertKey: otherPaths.clientKey, retries: 1 });
  simulator.sim.stats.reset();
  const error = await qrs.about().then(
    () => assert.fail('expected a rejection'),
    (e: unknown) => e,
  );
  assert.ok(error instanceof QrsUnavailableError, String(error));
  assert.equal(error.endpoint, '/qrs/about');
  // The handshake fails before any HTTP request reaches the simulator.
  assert.equal(simulator.sim.stats.requests.length, 0);
});

test('rejectUnauthorized with the right CA verifies the server and works', async (t) => {
  const qrs = client(t, { rejectUnauthorized: true });
  assert.equal(typeof (await qrs.about()).buildVersion, 'string');
});

test('rejectUnauthorized with a wrong CA refuses the server: QrsUnavailableError', async (t) => {
  const qrs = client(t, { rejectUnauthorized: true, clientCertCA: otherPaths.ca });
  const error = await qrs.about().then(
    () => assert.fail('expected a rejection'),
    (e: unknown) => e,
  );
  assert.ok(error instanceof QrsUnavailableError, String(error));
  assert.match(error.message, /certificate/i);
});

test('without rejectUnauthorized a wrong CA file does not matter', async (t) => {
  const qrs = client(t, { rejectUnauthorized: false, clientCertCA: otherPaths.ca });
  assert.equal(typeof (await qrs.about()).buildVersion, 'string');
});
