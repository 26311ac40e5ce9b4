import assert from 'node:assert/strict';
import { it } from 'node:test';
import fc from 'fast-check';
import { storageKey } from '../../src/kvstore/storage-key.js';

it('gives distinct (namespace, key) pairs distinct storage keys', () => {
  // A tiny alphabet of digits, separators and multi-byte characters makes near-collisions likely.
  const name = fc.string({ unit: fc.constantFrom('a', 'b', '1', '2', ':', 'é', '🙂'), maxLength: 4 });
  fc.assert(
    fc.property(name, name, name, name, (ns1, key1, ns2, key2) => {
      fc.pre(ns1 !== ns2 || key1 !== key2);
      assert.notEqual(storageKey(ns1, key1), storageKey(ns2, key2));
    }),
    { numRuns: 2000 },
  );
  // Characters a naive "ns:key" join would confuse.
  assert.notEqual(storageKey('a:b', 'c'), storageKey('a', 'b:c'));
  assert.notEqual(storageKey('1', ':ab'), storageKey('1:a', 'b'));
  assert.notEqual(storageKey('é', 'x'), storageKey('e', '\u0301x'));
});
