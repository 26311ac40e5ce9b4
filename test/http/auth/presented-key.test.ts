import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createApiKeyVerifier } from '../../../src/http/auth/api-key-verifier.js';
import { presentedKey } from '../../../src/http/auth/presented-key.js';
import { API_KEYS, KEYS } from '../../helpers/api-keys.js';

test('presented key: Bearer (any case, extra spaces) or X-API-Key; both if they agree', () => {
  assert.deepEqual(presentedKey({}), { kind: 'none' });
  assert.deepEqual(presentedKey({ authorization: 'Bearer abc' }), { kind: 'key', key: 'abc' });
  assert.deepEqual(presentedKey({ authorization: 'bearer   abc  ' }), { kind: 'key', key: 'abc' });
  assert.deepEqual(presentedKey({ 'x-api-key': ' abc ' }), { kind: 'key', key: 'abc' });
  assert.deepEqual(presentedKey({ 'x-api-key': 'abc', authorization: 'Bearer abc' }), { kind: 'key', key: 'abc' });
  assert.deepEqual(presentedKey({ 'x-api-key': 'abc', authorization: 'Basic Zm9vOmJhcg==' }), { kind: 'key', key: 'abc' }, 'X-API-Key beside other credentials');
  assert.deepEqual(presentedKey({ 'x-api-key': '' }), { kind: 'none' });
});

test('presented key: malformed ways are named, never echoed', () => {
  const cases: [Record<string, string | string[]>, RegExp][] = [
    [{ authorization: 'Basic Zm9vOmJhcg==' }, /must be "Bearer <key>"/],
    [{ authorization: 'Bearer' }, /must be "Bearer <key>"/],
    [{ authorization: 'Bearer two words' }, /must be "Bearer <key>"/],
    [{ authorization: 'Token abc' }, /must be "Bearer <key>"/],
    [{ 'x-api-key': 'abc', authorization: 'Bearer xyz' }, /different keys/],
    [{ 'x-api-key': ['abc', 'abc'] }, /one X-API-Key header/],
  ];
  for (const [headers, reason] of cases) {
    const presented = presentedKey(headers);
    assert.equal(presented.kind, 'malformed', JSON.stringify(headers));
    if (presented.kind === 'malformed') {
      assert.match(presented.reason, reason);
      assert.ok(!presented.reason.includes('abc') && !presented.reason.includes('xyz'));
    }
  }
});

test('verifier: finds the key a presented key matches, by digest; nothing else matches', () => {
  const verify = createApiKeyVerifier(API_KEYS);
  for (const [name, key] of Object.entries(KEYS)) assert.equal(verify(key)?.name, name);
  for (const wrong of ['', ' ', `${KEYS.admin} `, KEYS.admin.slice(1), API_KEYS[0]!.sha256]) assert.equal(verify(wrong), undefined, wrong);
  assert.equal(createApiKeyVerifier([])(KEYS.admin), undefined);
});
