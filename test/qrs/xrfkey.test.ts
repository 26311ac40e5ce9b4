import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createXrfkey } from '../../src/qrs/xrfkey.js';

test('an xrfkey is 16 characters of [0-9A-Za-z], fresh each time', () => {
  const keys = Array.from({ length: 200 }, () => createXrfkey());
  for (const key of keys) assert.match(key, /^[0-9A-Za-z]{16}$/);
  assert.equal(new Set(keys).size, keys.length);
});
