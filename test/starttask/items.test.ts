import assert from 'node:assert/strict';
import { test } from 'node:test';
import { BadRequestError, ServiceError } from '../../src/errors.js';
import { parseStartItems, type StartItem } from '../../src/starttask/items.js';

const MAX = 10;
const FIELD_MAX = 40;
const LIMITS = { maxItems: MAX, maxFieldLength: FIELD_MAX, pairs: { maxNamespaceLength: 20, maxKeyLength: 30, maxValueLength: 50 } };
const TASK = '7552d9fc-d1bb-4975-9a38-18357de531ea';

test('items: an absent body, null, [] and {} all mean "no items"', () => {
  for (const body of [undefined, null, [], {}]) {
    assert.deepEqual(parseStartItems(body, LIMITS), [], JSON.stringify(body));
  }
});

test('items: each type becomes its typed item, in request order; extra payload fields are ignored', () => {
  const body = [
    { type: 'starttaskid', payload: { taskId: TASK, comment: 'ignored' } },
    { type: 'starttasktag', payload: { tag: 'startTask1' } },
    { type: 'starttaskcustomproperty', payload: { customPropertyName: 'taskGroup', customPropertyValue: 'tasks1' } },
    { type: 'keyvaluestore', payload: { namespace: 'MyFineNamespace', key: 'AnImportantKey', value: 'TheValue', ttl: 10000 } },
  ];
  const expected: StartItem[] = [
    { type: 'starttaskid', taskId: TASK },
    { type: 'starttasktag', tag: 'startTask1' },
    { type: 'starttaskcustomproperty', name: 'taskGroup', value: 'tasks1' },
    { type: 'keyvaluestore', pair: { namespace: 'MyFineNamespace', key: 'AnImportantKey', value: 'TheValue', ttl: 10000 } },
  ];
  assert.deepEqual(parseStartItems(body, LIMITS), expected);
});

test('items: a task id is any string (one that is no GUID is reported invalid later, not refused)', () => {
  for (const taskId of ['abc123', '', 'fb0f317d-da91-4b86-aafa-0174ae1e8c8']) {
    assert.deepEqual(parseStartItems([{ type: 'starttaskid', payload: { taskId } }], LIMITS), [{ type: 'starttaskid', taskId }]);
  }
});

test('items: ttl as load scripts send it: numeric strings count, "" 0 and absent mean no expiry', () => {
  const ttlOf = (payload: Record<string, unknown>) => {
    const [item] = parseStartItems([{ type: 'keyvaluestore', payload: { namespace: 'n', key: 'k', value: 'v', ...payload } }], LIMITS);
    assert.equal(item?.type, 'keyvaluestore');
    return item.type === 'keyvaluestore' ? item.pair.ttl : undefined;
  };
  assert.equal(ttlOf({ ttl: '10000' }), 10000);
  assert.equal(ttlOf({ ttl: 10000 }), 10000);
  assert.equal(ttlOf({ ttl: '' }), 0);
  assert.equal(ttlOf({ ttl: 0 }), 0);
  assert.equal(ttlOf({ ttl: '0' }), 0);
  assert.equal(ttlOf({}), 0);
});

test('items: an empty value is a value', () => {
  assert.deepEqual(parseStartItems([{ type: 'keyvaluestore', payload: { namespace: 'n', key: 'k', value: '' } }], LIMITS), [
    { type: 'keyvaluestore', pair: { namespace: 'n', key: 'k', value: '', ttl: 0 } },
  ]);
});

const okItem = { type: 'starttaskid', payload: { taskId: TASK } };

/** Bodies that must be refused, and what the message must start with (index and field named). */
const BAD: [string, unknown, RegExp][] = [
  ['a string body', 'starttaskid', /^body must be an array of \{type, payload\} items \(got a string\)/],
  ['a number body', 42, /^body must be an array/],
  ['a non-empty object body', { type: 'starttaskid', payload: { taskId: TASK } }, /^body must be an array .*\(got an object\)/],
  ['too many items', Array.from({ length: MAX + 1 }, () => okItem), /^body must hold at most 10 items \(got 11\)/],
  ['an item that is not an object', [okItem, 'starttaskid'], /^body\[1\] must be an object with "type" and "payload" \(got a string\)/],
  ['an item that is null', [null], /^body\[0\] must be an object/],
  ['an item that is an array', [[okItem]], /^body\[0\] must be an object .*\(got an array\)/],
  ['an unknown type', [okItem, okItem, { type: 'starttaskname', payload: {} }], /^body\[2\]\.type must be one of starttaskid, starttasktag, starttaskcustomproperty, keyvaluestore, reloadvariable \(got "starttaskname"\)/],
  ['a type in other case (Butler matches exactly)', [{ type: 'StartTaskId', payload: { taskId: TASK } }], /^body\[0\]\.type must be one of/],
  ['a missing type', [{ payload: { taskId: TASK } }], /^body\[0\]\.type must be one of .*\(got undefined\)/],
  ['a missing payload', [{ type: 'starttaskid' }], /^body\[0\]\.payload must be an object \(got undefined\)/],
  ['a payload that is an array', [{ type: 'starttasktag', payload: ['x'] }], /^body\[0\]\.payload must be an object \(got an array\)/],
  ['a numeric task id', [okItem, okItem, { type: 'starttaskid', payload: { taskId: 123 } }], /^body\[2\]\.payload\.taskId must be a string \(got a number\)/],
  ['a missing task id', [{ type: 'starttaskid', payload: {} }], /^body\[0\]\.payload\.taskId must be a string/],
  ['a missing tag', [{ type: 'starttasktag', payload: { name: 'x' } }], /^body\[0\]\.payload\.tag must be a string/],
  ['an empty tag', [{ type: 'starttasktag', payload: { tag: '' } }], /^body\[0\]\.payload\.tag must not be empty/],
  ['a custom property without value', [{ type: 'starttaskcustomproperty', payload: { customPropertyName: 'a' } }], /^body\[0\]\.payload\.customPropertyValue must be a string/],
  ['a custom property with an object name', [{ type: 'starttaskcustomproperty', payload: { customPropertyName: {}, customPropertyValue: 'v' } }], /^body\[0\]\.payload\.customPropertyName must be a string \(got an object\)/],
  ['a pair without namespace', [{ type: 'keyvaluestore', payload: { key: 'k', value: 'v' } }], /^body\[0\]\.payload\.namespace must be a string/],
  ['a pair with an empty key', [{ type: 'keyvaluestore', payload: { namespace: 'n', key: '', value: 'v' } }], /^body\[0\]\.payload\.key must not be empty/],
  ['a pair without value', [{ type: 'keyvaluestore', payload: { namespace: 'n', key: 'k' } }], /^body\[0\]\.payload\.value must be a string/],
  ['a pair with a numeric value', [{ type: 'keyvaluestore', payload: { namespace: 'n', key: 'k', value: 5 } }], /^body\[0\]\.payload\.value must be a string \(got a number\)/],
  ['a ttl that is not a number', [{ type: 'keyvaluestore', payload: { namespace: 'n', key: 'k', value: 'v', ttl: 'soon' } }], /^body\[0\]\.payload\.ttl must be a whole number of milliseconds \(got "soon"\)$/],
  ['a negative ttl', [{ type: 'keyvaluestore', payload: { namespace: 'n', key: 'k', value: 'v', ttl: -5 } }], /^body\[0\]\.payload\.ttl must be 0 or more \(got -5\)$/],
  ['a ttl of the wrong type', [{ type: 'keyvaluestore', payload: { namespace: 'n', key: 'k', value: 'v', ttl: true } }], /^body\[0\]\.payload\.ttl must be a number of milliseconds or a numeric string \(got a boolean\)$/],
  ['a reload variable without name', [okItem, { type: 'reloadvariable', payload: { value: 'v' } }], /^body\[1\]\.payload\.name must be a string \(got undefined\)$/],
  ['a reload variable with an empty name', [{ type: 'reloadvariable', payload: { name: '', value: 'v' } }], /^body\[0\]\.payload\.name must not be empty \(got ""\)$/],
  ['a reload variable with a numeric value', [{ type: 'reloadvariable', payload: { name: 'vYear', value: 2024 } }], /^body\[0\]\.payload\.value must be a string \(got a number\)$/],
  ['a reload variable name of 257 characters', [{ type: 'reloadvariable', payload: { name: 'n'.repeat(257), value: '' } }], /^body\[0\]\.payload\.name must be at most 256 characters, as Qlik Cloud takes reload variables \(got 257\)$/],
  ['a reload variable value of 257 characters (code points, not UTF-16 units)', [{ type: 'reloadvariable', payload: { name: 'v', value: '😀'.repeat(257) } }], /^body\[0\]\.payload\.value must be at most 256 characters, as Qlik Cloud takes reload variables \(got 257\)$/],
  ['a reload variable given twice', [{ type: 'reloadvariable', payload: { name: 'vRegion', value: 'EMEA' } }, okItem, { type: 'reloadvariable', payload: { name: 'vRegion', value: 'APAC' } }], /^body\[2\]\.payload\.name must not repeat the variable of body\[0\] \(got "vRegion"\)$/],
];

for (const [name, body, message] of BAD) {
  test(`items: refuses ${name}, naming where`, () => {
    assert.throws(
      () => parseStartItems(body, LIMITS),
      (error: unknown) => {
        assert.ok(error instanceof BadRequestError, `expected BadRequestError, got ${String(error)}`);
        assert.equal(error.statusCode, 400);
        assert.match(error.message, message);
        return true;
      },
    );
  });
}

test('items: exactly maxItems items are accepted', () => {
  assert.equal(parseStartItems(Array.from({ length: MAX }, () => okItem), LIMITS).length, MAX);
});

test('items: fields of exactly their limit are accepted', () => {
  const body = [
    { type: 'starttaskid', payload: { taskId: 'i'.repeat(FIELD_MAX) } },
    { type: 'starttasktag', payload: { tag: 't'.repeat(FIELD_MAX) } },
    { type: 'starttaskcustomproperty', payload: { customPropertyName: 'n'.repeat(FIELD_MAX), customPropertyValue: 'v'.repeat(FIELD_MAX) } },
    { type: 'keyvaluestore', payload: { namespace: 'n'.repeat(20), key: 'k'.repeat(30), value: 'v'.repeat(50) } },
  ];
  assert.equal(parseStartItems(body, LIMITS).length, 4);
});

/** One character over each limit: the error names the item, field, lengths and config key. */
const TOO_LONG: [string, Record<string, unknown>, RegExp, string, number][] = [
  ['taskId', { type: 'starttaskid', payload: { taskId: 'i'.repeat(41) } }, /^body\[1\]\.payload\.taskId is 41 characters long; the limit is 40 \(Butler\.startTask\.maxFieldLength\)$/, 'ERR_BAD_REQUEST', 400],
  ['tag', { type: 'starttasktag', payload: { tag: 't'.repeat(41) } }, /payload\.tag is 41 .*maxFieldLength/, 'ERR_BAD_REQUEST', 400],
  ['customPropertyName', { type: 'starttaskcustomproperty', payload: { customPropertyName: 'n'.repeat(41), customPropertyValue: 'v' } }, /payload\.customPropertyName is 41 .*maxFieldLength/, 'ERR_BAD_REQUEST', 400],
  ['customPropertyValue', { type: 'starttaskcustomproperty', payload: { customPropertyName: 'n', customPropertyValue: 'v'.repeat(41) } }, /payload\.customPropertyValue is 41 .*maxFieldLength/, 'ERR_BAD_REQUEST', 400],
  ['namespace', { type: 'keyvaluestore', payload: { namespace: 'n'.repeat(21), key: 'k', value: 'v' } }, /payload\.namespace is 21 .*the limit is 20 \(Butler\.keyValueStore\.maxNamespaceLength\)/, 'ERR_KV_LIMIT', 400],
  ['key', { type: 'keyvaluestore', payload: { namespace: 'n', key: 'k'.repeat(31), value: 'v' } }, /payload\.key is 31 .*maxKeyLength/, 'ERR_KV_LIMIT', 400],
  ['value', { type: 'keyvaluestore', payload: { namespace: 'n', key: 'k', value: 'v'.repeat(51) } }, /payload\.value is 51 .*maxValueLength/, 'ERR_KV_LIMIT', 413],
];

for (const [field, item, message, code, status] of TOO_LONG) {
  test(`items: refuses a ${field} longer than its limit with ${status} ${code}`, () => {
    assert.throws(
      () => parseStartItems([okItem, item], LIMITS),
      (error: unknown) => {
        assert.ok(error instanceof ServiceError);
        assert.equal(error.statusCode, status);
        assert.equal(error.code, code);
        assert.match(error.message, message);
        return true;
      },
    );
  });
}

const variable = (name: string, value = 'v') => ({ type: 'reloadvariable', payload: { name, value } });

test('items: reload variables keep their names and values as sent; an empty value is a value; 256 characters fit', () => {
  const emoji = '😀'.repeat(256);
  assert.deepEqual(parseStartItems([variable('vRegion', 'EMEA'), variable('vEmpty', ''), variable('n'.repeat(256), emoji)], LIMITS), [
    { type: 'reloadvariable', name: 'vRegion', value: 'EMEA' },
    { type: 'reloadvariable', name: 'vEmpty', value: '' },
    { type: 'reloadvariable', name: 'n'.repeat(256), value: emoji },
  ]);
});

test('items: 20 reload variables are accepted, the 21st is refused naming it, whatever else the body holds', () => {
  const limits = { ...LIMITS, maxItems: 100 };
  const twenty = Array.from({ length: 20 }, (_, i) => variable(`v${i}`));
  assert.equal(parseStartItems([okItem, ...twenty, okItem], limits).length, 22);
  assert.throws(
    () => parseStartItems([okItem, ...twenty, okItem, variable('v20'), variable('v21')], limits),
    (error: unknown) => {
      assert.ok(error instanceof BadRequestError);
      assert.equal(
        error.message,
        'body[22] must not be reload variable number 21: Qlik Cloud takes at most 20 per reload (got 22 reloadvariable items)',
      );
      return true;
    },
  );
});
