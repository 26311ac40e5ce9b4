import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { compileFilter, FilterSyntaxError, type FilterSchema } from '../../../src/simulator/filter/index.js';

const SCHEMA: FilterSchema = {
  id: { type: 'guid' },
  name: { type: 'string' },
  enabled: { type: 'boolean' },
  tasktype: { type: 'number', names: { reload: 0, externalprogram: 1 } },
  'tags.name': { type: 'string' },
  'customproperties.definition.name': { type: 'string' },
  'customproperties.value': { type: 'string' },
  'app.name': { type: 'string' },
};

const ID_A = 'e3b27f50-b1c0-4879-88fc-c7cdd9c1cf3e';
const ID_B = '7552d9fc-d1bb-4975-9a38-18357de531ea';

const taskA = {
  id: ID_A,
  name: 'Reload task of App1',
  enabled: true,
  taskType: 0,
  tags: [{ name: 'startTask1' }, { name: "Q1'25 & more" }],
  customProperties: [
    { value: 'finance', definition: { name: 'dept' } },
    { value: 'sales', definition: { name: 'costCenter' } },
  ],
  app: { name: 'Nörd Öst' },
};
const taskB = {
  id: ID_B,
  name: 'Archive files',
  enabled: false,
  taskType: 1,
  tags: [],
  customProperties: [],
  app: null,
};

function matches(filter: string): string[] {
  const predicate = compileFilter(filter, SCHEMA);
  return [taskA, taskB].filter((task) => predicate(task)).map((task) => task.id);
}

function rejects(filter: string): string {
  try {
    compileFilter(filter, SCHEMA);
  } catch (err) {
    assert.ok(err instanceof FilterSyntaxError);
    assert.equal(err.statusCode, 400);
    return err.message;
  }
  assert.fail(`expected ${filter} to be rejected`);
}

describe('filter evaluation', () => {
  it('matches everything for an empty filter', () => {
    assert.deepEqual(matches(''), [ID_A, ID_B]);
  });

  it('compares GUIDs written bare, quoted, or in upper case', () => {
    assert.deepEqual(matches(`id eq ${ID_A}`), [ID_A]);
    assert.deepEqual(matches(`id eq '${ID_B}'`), [ID_B]);
    assert.deepEqual(matches(`id eq ${ID_A.toUpperCase()}`), [ID_A]);
    assert.deepEqual(matches(`id ne ${ID_A}`), [ID_B]);
    assert.deepEqual(matches(`id eq ${ID_A} or id eq ${ID_B}`), [ID_A, ID_B]);
  });

  it('rejects a non-GUID id', () => {
    assert.match(rejects('id eq abc123'), /^Cannot parse the expression: .*not a GUID/);
  });

  it('compares strings and property names case-insensitively', () => {
    assert.deepEqual(matches("NAME eq 'reload TASK of app1'"), [ID_A]);
    assert.deepEqual(matches("app.name eq 'nörd öst'"), [ID_A]);
  });

  it('does not prefix-match with eq, but does with sw, ew and so', () => {
    assert.deepEqual(matches("name eq 'Reload'"), []);
    assert.deepEqual(matches("name sw 'reload'"), [ID_A]);
    assert.deepEqual(matches("name ew 'FILES'"), [ID_B]);
    assert.deepEqual(matches("name so 'task of'"), [ID_A]);
  });

  it('matches escaped quotes and special characters literally', () => {
    assert.deepEqual(matches("tags.name eq 'Q1\\'25 & more'"), [ID_A]);
  });

  it('matches a collection when any element matches', () => {
    assert.deepEqual(matches("tags.name eq 'STARTTASK1'"), [ID_A]);
    assert.deepEqual(matches("tags.name eq 'startTask'"), []);
  });

  it('evaluates each condition over the collection independently', () => {
    // dept=finance and costCenter=sales: "dept" and "sales" sit on different properties.
    assert.deepEqual(
      matches("customProperties.definition.name eq 'dept' and customProperties.value eq 'sales'"),
      [ID_A],
    );
  });

  it('never matches a missing value, not even with ne', () => {
    assert.deepEqual(matches("app.name ne 'x'"), [ID_A]);
    assert.deepEqual(matches("tags.name ne 'x'"), [ID_A]);
  });

  it('honours and-over-or precedence and parentheses', () => {
    // false and false or true → true for A; with parentheses: false and (…) → false.
    assert.deepEqual(matches("name eq 'nope' and enabled eq true or tasktype eq 0"), [ID_A]);
    assert.deepEqual(matches("name eq 'nope' and (enabled eq true or tasktype eq 0)"), []);
  });

  it('compares booleans and numbers, enum names included', () => {
    assert.deepEqual(matches('enabled eq false'), [ID_B]);
    assert.deepEqual(matches('enabled eq TRUE'), [ID_A]);
    assert.deepEqual(matches('taskType eq 1'), [ID_B]);
    assert.deepEqual(matches('taskType eq ExternalProgram'), [ID_B]);
    assert.deepEqual(matches('taskType lt 1'), [ID_A]);
  });

  const refused: [string, RegExp][] = [
    ["stream.name eq 'x'", /unknown property 'stream\.name'/],
    ['name eq Foo', /must be a quoted string/],
    ["enabled eq 'true'", /true or false/],
    ['taskType eq many', /must be a number/],
    ['enabled sw true', /operator sw does not apply/],
    [`id gt ${ID_A}`, /operator gt does not apply/],
  ];
  for (const [filter, message] of refused) {
    it(`refuses ${filter}`, () => {
      assert.match(rejects(filter), message);
    });
  }
});
