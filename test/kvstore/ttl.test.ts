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
        (error: unknown) => error instanceof BadRequestError && error.statusCode === 400 && !/^ttl/.test(error.message),
      ));
  }
});
