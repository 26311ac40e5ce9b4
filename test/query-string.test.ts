import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { eq } from '../src/qrs/filter.js';
import { encodeQueryString } from '../src/query-string.js';

test('the query string encodes every special character exactly once', () => {
  const filter = eq('tags.name', "it's & #1 at 50% / ok? ü+", 'backslash');
  const query = encodeQueryString({ xrfkey: 'abcdefghij012345', filter });
  assert.equal(
    query,
    "xrfkey=abcdefghij012345&filter=tags.name%20eq%20'it%5C's%20%26%20%231%20at%2050%25%20%2F%20ok%3F%20%C3%BC%2B'",
  );
  assert.doesNotMatch(query, /[ #?/]/);
});

test('the query string round-trips through a standard decoder', () => {
  fc.assert(
    fc.property(fc.string({ unit: 'grapheme' }), (value) => {
      const decoded = new URLSearchParams(encodeQueryString({ xrfkey: 'k', filter: value }));
      assert.equal(decoded.get('filter'), value);
      assert.equal(decoded.get('xrfkey'), 'k');
    }),
  );
});
