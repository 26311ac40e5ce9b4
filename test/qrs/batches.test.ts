import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { batchesOf, type BatchRules } from '../../src/qrs/batches.js';
import { anyOf, eq, idIn, type QrsFilter } from '../../src/qrs/filter.js';
import { encodedLength } from '../../src/query-string.js';

const tagFilter = (tag: string): QrsFilter => eq('tags.name', tag, 'backslash');

function tagRules(room: number, maxItems = Number.POSITIVE_INFINITY): BatchRules<string> {
  return {
    operandOf: (tag) => `(${tagFilter(tag)})`,
    filterOf: (tags) => anyOf(tags.map(tagFilter)),
    room,
    maxItems,
    tooLong: (tag, length) => new RangeError(`${tag}: ${length}`),
  };
}

test('tag batches: in order, each within the room, none able to take the next tag', () => {
  fc.assert(
    fc.property(
      fc.array(fc.string({ unit: 'grapheme', minLength: 1, maxLength: 30 }), { minLength: 1, maxLength: 60 }),
      fc.integer({ min: 200, max: 2000 }),
      (tags, room) => {
        const batches = batchesOf(tags, tagRules(room));
        assert.deepEqual(batches.flatMap((batch) => batch.items), tags);
        batches.forEach((batch, index) => {
          assert.ok(encodedLength(batch.filter) <= room, `${encodedLength(batch.filter)} > ${room}`);
          assert.equal(batch.filter, anyOf(batch.items.map(tagFilter)));
          const next = batches[index + 1]?.items[0];
          if (next !== undefined) {
            assert.ok(encodedLength(anyOf([...batch.items, next].map(tagFilter))) > room, 'a batch is cut only when full');
          }
        });
      },
    ),
  );
});

test('id batches use bare GUIDs joined with or, and also stop at maxItems', () => {
  const ids = Array.from({ length: 7 }, (_, i) => `00000000-0000-4000-8000-00000000000${i}`);
  const rules = {
    operandOf: (id: string) => idIn([id]),
    filterOf: idIn,
    maxItems: 3,
    tooLong: () => new RangeError('unreachable'),
  };
  const byCount = batchesOf(ids, { ...rules, room: 10_000 });
  assert.deepEqual(byCount.map((batch) => batch.items.length), [3, 3, 1]);
  assert.equal(byCount[2]?.filter, `id eq ${ids[6]}`);

  // `id eq <guid>` is 46 characters encoded, ` or ` 8: two fit in 100, not three.
  const byLength = batchesOf(ids, { ...rules, maxItems: 100, room: 100 });
  assert.deepEqual(byLength.map((batch) => batch.items.length), [2, 2, 2, 1]);
  assert.equal(encodedLength(byLength[0]?.filter ?? ''), 100);
});

test('an item that cannot fit alone is refused, before any batch is made', () => {
  const long = 'ü'.repeat(200); // 1,200 characters once encoded
  assert.throws(() => batchesOf(['a', long, 'b'], tagRules(1000)), (error: unknown) => {
    assert.ok(error instanceof RangeError);
    assert.match(error.message, /: 12\d\d$/);
    return true;
  });
  assert.deepEqual(batchesOf([], tagRules(1000)), []);
});
