import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { MISSING_USER_MESSAGE, XSRF_MESSAGE } from '../../src/simulator/index.js';
import { startTestSimulator, type TestSimulator } from '../helpers/simulator.js';
import { qrsRequest, XRFKEY, type QrsCall } from './qrs-request.js';

describe('simulator request checks: xrfkey and X-Qlik-User', () => {
  let running: TestSimulator;
  before(async () => {
    running = await startTestSimulator();
  });
  after(() => running.close());

  const call = (overrides: Omit<QrsCall, 'path'>, path = '/qrs/about') =>
    qrsRequest(running.sim, running.certs, { path, ...overrides });

  it('accepts a matching 16-char key, whatever the case of the parameter name', async () => {
    assert.equal((await call({})).status, 200);
    assert.equal((await call({ queryKeyName: 'Xrfkey' })).status, 200);
    assert.equal((await call({ queryKeyName: 'XRFKEY' })).status, 200);
  });

  it('accepts a different key on every call', async () => {
    assert.equal((await call({ queryKey: 'ZYXWVUTSRQ987654' })).status, 200);
  });

  const refusedKeys: [string, Omit<QrsCall, 'path'>][] = [
    ['the query parameter is missing', { queryKey: null, headerKey: XRFKEY }],
    ['the header is missing', { headerKey: null }],
    ['header and parameter differ', { headerKey: 'abcdefghij012346' }],
    ['they differ only in case', { headerKey: XRFKEY.toUpperCase() }],
    ['the key is 15 chars', { queryKey: XRFKEY.slice(0, 15) }],
    ['the key is 17 chars', { queryKey: `${XRFKEY}x` }],
    ['the key has a non-alphanumeric char', { queryKey: 'abcdefghij01234-' }],
  ];
  for (const [why, overrides] of refusedKeys) {
    it(`answers 403 XSRF when ${why}`, async () => {
      const answer = await call(overrides);
      assert.equal(answer.status, 403);
      assert.equal(answer.text, XSRF_MESSAGE);
    });
  }

  it('answers 403 XSRF when a raw # cut the xrfkey off the query', async () => {
    // What an unencoded tag with '#' does: the rest of the query, xrfkey included, is lost.
    const answer = await call({ queryKey: null, headerKey: XRFKEY }, `/qrs/task?filter=tags.name%20eq%20'a#b'&xrfkey=${XRFKEY}`);
    assert.equal(answer.status, 403);
    assert.equal(answer.text, XSRF_MESSAGE);
  });

  it('answers 403 when X-Qlik-User is missing or not UserDirectory=…; UserId=…', async () => {
    for (const user of [null, '', 'sa_repository', 'UserDirectory=INTERNAL']) {
      const answer = await call({ user });
      assert.equal(answer.status, 403, `user ${JSON.stringify(user)}`);
      assert.equal(answer.text, MISSING_USER_MESSAGE);
    }
  });

  it('accepts the X-Qlik-User spellings Qlik and Butler use', async () => {
    for (const user of ['UserDirectory=INTERNAL; UserId=sa_repository', 'UserDirectory=Internal;UserId=sa_repository']) {
      assert.equal((await call({ user })).status, 200, user);
    }
  });

  it('records refused requests with their status', async () => {
    running.sim.stats.reset();
    await call({ headerKey: null });
    assert.deepEqual(running.sim.stats.requests, [
      { method: 'GET', path: '/qrs/about', query: `xrfkey=${XRFKEY}`, status: 403 },
    ]);
  });
});
