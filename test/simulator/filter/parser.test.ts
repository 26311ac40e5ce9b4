import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { FilterSyntaxError, parseFilter, tokenize, type FilterNode } from '../../../src/simulator/filter/index.js';

function cmp(property: string, op: string, text: string, quoted = true): FilterNode {
  return { kind: 'comparison', property, op: op as 'eq', value: { quoted, text } };
}

function parseError(filter: string): FilterSyntaxError {
  try {
    parseFilter(filter);
  } catch (err) {
    assert.ok(err instanceof FilterSyntaxError, `expected FilterSyntaxError, got ${String(err)}`);
    return err;
  }
  assert.fail(`expected ${JSON.stringify(filter)} to be rejected`);
}

describe('filter tokenizer', () => {
  it('resolves backslash escapes inside single-quoted literals', () => {
    const tokens = tokenize("name eq 'Q1\\'25 \\\\ x'");
    assert.deepEqual(
      tokens.map((t) => ('text' in t ? [t.kind, t.text] : [t.kind])),
      [
        ['word', 'name'],
        ['word', 'eq'],
        ['string', "Q1'25 \\ x"],
      ],
    );
  });

  it('keeps &, #, %, /, ?, spaces and non-ASCII inside a literal', () => {
    const [, , literal] = tokenize("tags.name eq 'Q1\\'25 & more #1 50%/? Nörd'");
    assert.deepEqual(literal, { kind: 'string', text: "Q1'25 & more #1 50%/? Nörd", pos: 13 });
  });

  it('splits parentheses from words', () => {
    assert.deepEqual(
      tokenize('(id eq x)').map((t) => t.kind),
      ['open', 'word', 'word', 'word', 'close'],
    );
  });
});

describe('filter parser', () => {
  it('returns null for an empty or blank filter', () => {
    assert.equal(parseFilter(''), null);
    assert.equal(parseFilter('   '), null);
  });

  it('parses a comparison, lower-casing property and operator', () => {
    assert.deepEqual(parseFilter("Tags.Name EQ 'startTask1'"), cmp('tags.name', 'eq', 'startTask1'));
  });

  it('keeps bare values as unquoted words (GUIDs, numbers, booleans)', () => {
    assert.deepEqual(
      parseFilter('id eq e3b27f50-b1c0-4879-88fc-c7cdd9c1cf3e'),
      cmp('id', 'eq', 'e3b27f50-b1c0-4879-88fc-c7cdd9c1cf3e', false),
    );
  });

  it('binds and tighter than or', () => {
    assert.deepEqual(parseFilter("a eq '1' or b eq '2' and c eq '3'"), {
      kind: 'or',
      operands: [cmp('a', 'eq', '1'), { kind: 'and', operands: [cmp('b', 'eq', '2'), cmp('c', 'eq', '3')] }],
    });
    assert.deepEqual(parseFilter("a eq '1' and b eq '2' or c eq '3'"), {
      kind: 'or',
      operands: [{ kind: 'and', operands: [cmp('a', 'eq', '1'), cmp('b', 'eq', '2')] }, cmp('c', 'eq', '3')],
    });
  });

  it('lets parentheses override precedence', () => {
    assert.deepEqual(parseFilter("(a eq '1' or b eq '2') and c eq '3'"), {
      kind: 'and',
      operands: [{ kind: 'or', operands: [cmp('a', 'eq', '1'), cmp('b', 'eq', '2')] }, cmp('c', 'eq', '3')],
    });
  });

  it('parses a parenthesised term like the bare term, and keywords case-insensitively', () => {
    assert.deepEqual(parseFilter("((name eq 'x'))"), parseFilter("name eq 'x'"));
    assert.deepEqual(parseFilter("a eq '1' OR b eq '2'"), parseFilter("a eq '1' or b eq '2'"));
  });

  it('flattens chains of the same junction', () => {
    const node = parseFilter("a eq '1' or b eq '2' or c eq '3'");
    assert.equal(node?.kind, 'or');
    assert.equal(node?.kind === 'or' ? node.operands.length : 0, 3);
  });

  it('answers "Invalid expression" for empty parentheses', () => {
    assert.equal(parseError('()').message, 'Invalid expression');
    assert.equal(parseError("name eq 'x' and ()").message, 'Invalid expression');
  });

  const unparsable: [string, string][] = [
    ["name eq 'night''s'", "doubled quote (Butler's escape)"],
    ["name eq ''''", 'doubled quote only'],
    ['name eq "x"', 'double-quoted value'],
    ["name eq 'open", 'unterminated literal'],
    ["name eq 'x\\", 'backslash at end'],
    ["name 'x'", 'missing operator'],
    ["name like 'x'", 'unknown operator'],
    ['name eq', 'missing value'],
    ["name eq 'x' and", 'dangling and'],
    ["or name eq 'x'", 'leading or'],
    ["name eq 'x' name eq 'y'", 'two terms without a junction'],
    ["(name eq 'x'", 'unclosed parenthesis'],
    ["name eq 'x')", 'stray closing parenthesis'],
    ["'name' eq 'x'", 'quoted property'],
    ["na-me eq 'x'", 'property with a dash'],
    ["tags..name eq 'x'", 'empty path segment'],
  ];
  for (const [filter, why] of unparsable) {
    it(`rejects ${why}: ${filter}`, () => {
      assert.match(parseError(filter).message, /^Cannot parse the expression: /);
    });
  }
});
