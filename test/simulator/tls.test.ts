import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { generateCertBundle, type CertBundle } from '../../src/simulator/index.js';
import { startTestSimulator, type TestSimulator } from '../helpers/simulator.js';
import { qrsRequest } from './qrs-request.js';

/** A refused handshake: TLS alert or a reset, depending on TLS 1.3 timing; never an HTTP answer. */
function isHandshakeFailure(err: NodeJS.ErrnoException): boolean {
  assert.match(`${err.code ?? ''} ${err.message}`, /ERR_SSL|ECONNRESET|EPIPE|socket hang up/);
  return true;
}

describe('simulator transport: mutual TLS against its own CA only', () => {
  let running: TestSimulator;
  let foreign: CertBundle;
  before(async () => {
    running = await startTestSimulator();
    foreign = await generateCertBundle({ commonName: 'Some other CA' });
  });
  after(() => running.close());

  it('answers a client that presents a cert from its CA', async () => {
    const answer = await qrsRequest(running.sim, running.certs, { path: '/qrs/about' });
    assert.equal(answer.status, 200);
  });

  it('fails the handshake for a client without a certificate', async () => {
    await assert.rejects(qrsRequest(running.sim, running.certs, { path: '/qrs/about', identity: null }), isHandshakeFailure);
    assert.equal(running.sim.stats.requestCount({ pathPrefix: '/qrs/about' }), 1, 'only the authorised request got through');
  });

  it('fails the handshake for a client whose cert comes from another CA', async () => {
    const identity = { cert: foreign.clientCert, key: foreign.clientKey };
    await assert.rejects(qrsRequest(running.sim, running.certs, { path: '/qrs/about', identity }), isHandshakeFailure);
    assert.equal(running.sim.stats.requestCount({ pathPrefix: '/qrs/about' }), 1);
  });

  it('is trusted through its own root.pem only', async () => {
    // qrsRequest verifies the server (rejectUnauthorized defaults to true); a foreign CA must fail.
    await assert.rejects(
      qrsRequest(running.sim, { ...running.certs, caCert: foreign.caCert }, { path: '/qrs/about' }),
      (err: NodeJS.ErrnoException) => {
        assert.match(String(err.code), /UNABLE_TO_VERIFY_LEAF_SIGNATURE|SELF_SIGNED|UNABLE_TO_GET_ISSUER/);
        return true;
      },
    );
  });
});
