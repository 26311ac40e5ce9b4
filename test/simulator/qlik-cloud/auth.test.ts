import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { SIM_CLIENT_ID, SIM_CLIENT_SECRET, type RunningQlikCloudSimulator } from '../../../src/simulator/qlik-cloud/index.js';
import { waitUntil } from '../../helpers/wait.js';
import { cloudRequest, errorCodeOf, jsonOf, startTestCloudSimulator } from './cloud-request.js';

interface TokenAnswer {
  access_token: string;
  token_type: string;
  expires_in: number;
}

const CLIENT_CREDENTIALS = { client_id: SIM_CLIENT_ID, client_secret: SIM_CLIENT_SECRET, grant_type: 'client_credentials' };
const ITEMS = '/api/v1/items?resourceType=app';

describe('Qlik Cloud simulator auth', () => {
  let sim: RunningQlikCloudSimulator;
  before(async () => {
    sim = await startTestCloudSimulator();
  });
  after(() => sim.close());

  const grant = (body: unknown) => cloudRequest(sim, { method: 'POST', path: '/oauth/token', token: null, body });

  async function accessToken(): Promise<TokenAnswer> {
    const answer = await grant(CLIENT_CREDENTIALS);
    assert.equal(answer.status, 200, answer.text);
    return jsonOf<TokenAnswer>(answer);
  }

  it('refuses API calls without a bearer token or with an unknown one: 401 with an errors body', async () => {
    for (const token of [null, 'not-the-key']) {
      const answer = await cloudRequest(sim, { path: ITEMS, token });
      assert.equal(answer.status, 401);
      const [error] = jsonOf<{ errors: { code: string; title: string; detail: string }[] }>(answer).errors;
      assert.ok(error !== undefined && error.code !== '' && error.title !== '' && error.detail !== '', answer.text);
    }
    assert.equal((await cloudRequest(sim, { path: ITEMS })).status, 200, 'the configured API key is accepted');
  });

  it('grants OAuth client-credentials tokens (6 hours by default) that the API accepts, and counts grants', async () => {
    const grantsBefore = sim.stats.tokenGrants;
    const token = await accessToken();
    assert.equal(token.token_type, 'bearer');
    assert.equal(token.expires_in, 21600);
    assert.equal((await cloudRequest(sim, { path: ITEMS, token: token.access_token })).status, 200);
    assert.equal(sim.stats.tokenGrants, grantsBefore + 1);
  });

  it('refuses wrong client credentials (401), other grant types and bodies that are not JSON (400), granting nothing', async () => {
    const grantsBefore = sim.stats.tokenGrants;
    const wrongSecret = await grant({ ...CLIENT_CREDENTIALS, client_secret: 'guess' });
    assert.equal(wrongSecret.status, 401);
    assert.equal(jsonOf(wrongSecret).error, 'invalid_client');
    assert.equal((await grant({ ...CLIENT_CREDENTIALS, grant_type: 'password' })).status, 400);
    assert.equal((await grant('client_id=a&client_secret=b')).status, 400);
    assert.equal(sim.stats.tokenGrants, grantsBefore);
  });

  it('refuses a token once it has expired, with a 401 saying so', async () => {
    const { access_token: token } = await accessToken();
    sim.expireTokens();
    const answer = await cloudRequest(sim, { path: ITEMS, token });
    assert.equal(answer.status, 401);
    assert.match(answer.text, /expired/);
    assert.equal((await cloudRequest(sim, { path: ITEMS })).status, 200, 'the API key does not expire');
  });

  it('takes the token lifetime from hooks.tokenLifetimeMs, so a token can expire within a test', async (t) => {
    t.after(() => (sim.hooks.tokenLifetimeMs = 6 * 60 * 60 * 1000));
    sim.hooks.tokenLifetimeMs = 1500;
    const short = await accessToken();
    assert.equal(short.expires_in, 1);
    sim.hooks.tokenLifetimeMs = 20;
    const { access_token: token } = await accessToken();
    await waitUntil(async () => (await cloudRequest(sim, { path: ITEMS, token })).status === 401, 'the 20 ms token to expire');
  });

  it('treats OAuth clients as tenant admins and the API key as its user (listing reloads needs appId)', async () => {
    const { access_token: token } = await accessToken();
    assert.equal((await cloudRequest(sim, { path: '/api/v1/reloads', token })).status, 200);
    const asUser = await cloudRequest(sim, { path: '/api/v1/reloads' });
    assert.equal(asUser.status, 400);
    assert.equal(errorCodeOf(asUser), 'HTTP-400');
  });

  it('accepts only the credentials it is given', async (t) => {
    const custom = await startTestCloudSimulator({ apiKey: 'key-2', clientId: 'id-2', clientSecret: 'secret-2' });
    t.after(() => custom.close());
    assert.equal((await cloudRequest(custom, { path: ITEMS, token: 'key-2' })).status, 200);
    assert.equal((await cloudRequest(custom, { path: ITEMS })).status, 401, 'the default key is not accepted');
    const answer = await cloudRequest(custom, {
      method: 'POST',
      path: '/oauth/token',
      token: null,
      body: { client_id: 'id-2', client_secret: 'secret-2', grant_type: 'client_credentials' },
    });
    assert.equal(answer.status, 200);
  });
});
