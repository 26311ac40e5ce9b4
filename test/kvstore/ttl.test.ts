import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { BadRequestError } from '../../src/errors.js';
import { parseTtl } from '../../src/kvstore/index.js';

describe('parseTtl', () => {
  const valid: Array<[unknown, number]> = [
    [undefined, 0],
    [null, 0],
    ['', 0],
    ['  ', 0],
    [0, 0],
    ['0', 0],
    [5000, 5000],
    ['5000', 5000],
    [' 10000 ', 10000],
    [Number.MAX_SAFE_INTEGER, Number.MAX_SAFE_INTEGER],
  ];
  for (const [input, expected] of valid) {
    it(`reads ${JSON.stringify(input) ?? 'undefined'} as ${expected}`, () => assert.equal(parseTtl(input), expected));
  }

  const invalid: unknown[] = [-1, '-1', 1.5, '1.5', '5e3', 'abc', '10 000', Number.NaN, Infinity, '9007199254740992', true, {}, []];
  for (const input of invalid) {
    it(`refuses ${typeof input === 'string' ? JSON.stringify(input) : String(input)}`, () =>
      assert.throws(
        () => parseTtl(input),
        (error: unknown) =>
          error instanceof BadRequestError && error.statusCode === 400 && /^ttl must .+ \(got .+\)$/.test(error.message),
      ));
  }

  const messages: Array<[unknown, string]> = [
    [-1, 'ttl must be 0 or more (got -1)'],
    ['-1', 'ttl must be 0 or more (got "-1")'],
    [1.5, 'ttl must be a whole number of milliseconds (got 1.5)'],
    ['abc', 'ttl must be a whole number of milliseconds (got "abc")'],
    ['9007199254740992', 'ttl must be at most 9007199254740991 (got "9007199254740992")'],
    [true, 'ttl must be a number of milliseconds or a numeric string (got a boolean)'],
    [{}, 'ttl must be a number of milliseconds or a numeric string (got an object)'],
  ];
  for (const [input, message] of messages) {
    it(`says ${message}`, () => assert.throws(() => parseTtl(input), { message }));
  }

  it('names the field it was given', () =>
    assert.throws(() => parseTtl(-5, 'body[0].payload.ttl'), { message: 'body[0].payload.ttl must be 0 or more (got -5)' }));
});
