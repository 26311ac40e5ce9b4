import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { BadRequestError } from '../../src/errors.js';
import { and, eq, idIn, isGuid, or, quoteLiteral } from '../../src/qrs/filter.js';

const GUID_A = 'e3b27f50-b1c0-4879-88fc-c7cdd9c1cf3e';
const GUID_B = '7552D9FC-D1BB-4975-9A38-18357DE531EA';

/** Reads a backslash-escaped single-quoted literal back, the way live QRS does. */
function unquoteBackslash(literal: string): string {
  assert.ok(literal.startsWith("'") && literal.endsWith("'"), `not quoted: ${literal}`);
  let text = '';
  for (let i = 1; i < literal.length - 1; i += 1) {
    const ch = literal.charAt(i);
    if (ch === '\\') {
      i += 1;
      text += literal.charAt(i);
    } else {
      assert.notEqual(ch, "'", `unescaped quote inside ${literal}`);
      text += ch;
    }
  }
  return text;
}

test('isGuid accepts GUIDs in any case and nothing else', () => {
  assert.equal(isGuid(GUID_A), true);
  assert.equal(isGuid(GUID_B), true);
  const notGuids = ['', 'abc123', `${GUID_A} `, `{${GUID_A}}`, GUID_A.replace(/-/g, ''), `${GUID_A} or id eq ${GUID_B}`];
  for (const notGuid of notGuids) {
    assert.equal(isGuid(notGuid), false, notGuid);
  }
});

test('eq quotes strings; backslash mode escapes quote and backslash', () => {
  assert.equal(eq('tags.name', 'Nightly', 'backslash'), "tags.name eq 'Nightly'");
  assert.equal(eq('tags.name', "Q1'25", 'backslash'), "tags.name eq 'Q1\\'25'");
  assert.equal(eq('tags.name', 'C:\\data\\', 'backslash'), "tags.name eq 'C:\\\\data\\\\'");
  assert.equal(eq('tags.name', "a\\'b", 'backslash'), "tags.name eq 'a\\\\\\'b'");
});

test('eq in double mode doubles quotes and leaves backslashes alone', () => {
  assert.equal(eq('tags.name', "night's", 'double'), "tags.name eq 'night''s'");
  assert.equal(eq('tags.name', 'C:\\data', 'double'), "tags.name eq 'C:\\data'");
});

test('eq leaves URL-special characters to the transport (no pre-encoding)', () => {
  assert.equal(eq('tags.name', 'a&b #1 50% /x? é', 'backslash'), "tags.name eq 'a&b #1 50% /x? é'");
});

test('eq rejects property names that could smuggle an expression', () => {
  for (const property of ['', 'name eq 1 or name', 'tags..name', "name'", '1name']) {
    assert.throws(() => eq(property, 'x', 'backslash'), TypeError, property);
  }
});

test('a lone surrogate cannot be quoted (it could never be URL-encoded)', () => {
  assert.throws(() => quoteLiteral('bad\ud800', 'backslash'), BadRequestError);
  assert.equal(quoteLiteral('ok 😀', 'backslash'), "'ok 😀'");
});

test('backslash quoting round-trips any text and never leaves a bare quote inside', () => {
  fc.assert(
    fc.property(fc.string({ unit: 'grapheme' }), (value) => {
      assert.equal(unquoteBackslash(quoteLiteral(value, 'backslash')), value);
    }),
  );
});

test('idIn writes bare GUIDs joined with or', () => {
  assert.equal(idIn([GUID_A]), `id eq ${GUID_A}`);
  assert.equal(idIn([GUID_A, GUID_B]), `id eq ${GUID_A} or id eq ${GUID_B}`);
});

test('idIn refuses non-GUIDs and an empty list (which would match every task)', () => {
  assert.throws(() => idIn([]), TypeError);
  assert.throws(() => idIn([GUID_A, 'abc123']), TypeError);
  assert.throws(() => idIn([`${GUID_A} or 1 eq 1`]), TypeError);
});

test('and/or parenthesise each operand', () => {
  const name = eq('customProperties.definition.name', 'Group', 'backslash');
  const value = eq('customProperties.value', 'A', 'backslash');
  assert.equal(and(name, value), "(customProperties.definition.name eq 'Group') and (customProperties.value eq 'A')");
  assert.equal(
    or(idIn([GUID_A]), and(name, value)),
    `(id eq ${GUID_A}) or ((customProperties.definition.name eq 'Group') and (customProperties.value eq 'A'))`,
  );
  assert.throws(() => and(), TypeError);
});
