import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseAbout, parseStartAnswer, parseTaskList } from '../../src/qrs/answers.js';
import { UnexpectedAnswerError } from '../../src/qrs/transport.js';

const FULL_TASK = {
  id: 'e3b27f50-b1c0-4879-88fc-c7cdd9c1cf3e',
  name: 'Reload Sales',
  enabled: true,
  taskType: 0,
  isManuallyTriggered: false,
  tags: [{ id: '2f5f0b1f-4f5e-4b43-9d3e-0b0b6f1c1a11', name: 'Nightly', privileges: null }],
  customProperties: [
    {
      id: '0c3a3c8c-35b5-4b1f-a5b3-0c9f7b7a1d22',
      value: 'tasks1',
      definition: {
        id: '5d0c7a9b-8a6e-4d4e-9b7a-7c3c2f1e0d33',
        name: 'taskGroup',
        valueType: 'Text',
        choiceValues: [],
      },
    },
  ],
  app: { id: '1d0c7a9b-8a6e-4d4e-9b7a-7c3c2f1e0d44', name: 'Sales' },
};

test('a full task object maps to QrsTask (tag names, custom property name/value pairs)', () => {
  assert.deepEqual(parseTaskList([FULL_TASK]), [
    {
      id: FULL_TASK.id,
      name: 'Reload Sales',
      enabled: true,
      taskType: 0,
      tags: ['Nightly'],
      customProperties: [{ name: 'taskGroup', value: 'tasks1' }],
    },
  ]);
  assert.deepEqual(parseTaskList([]), []);
});

test('ill-shaped task lists are unexpected answers, never "no tasks"', () => {
  const broken: unknown[] = [
    null,
    {},
    'tasks',
    { value: [] },
    [null],
    [{ ...FULL_TASK, id: 'not-a-guid' }],
    [{ ...FULL_TASK, name: 7 }],
    [{ ...FULL_TASK, enabled: 'yes' }],
    [{ ...FULL_TASK, taskType: '0' }],
    [{ ...FULL_TASK, tags: undefined }],
    [{ ...FULL_TASK, tags: ['Nightly'] }],
    [{ ...FULL_TASK, customProperties: [{ value: 'x' }] }],
    [{ ...FULL_TASK, customProperties: [{ value: 1, definition: { name: 'x' } }] }],
  ];
  for (const body of broken) {
    assert.throws(() => parseTaskList(body), UnexpectedAnswerError, JSON.stringify(body));
  }
});

test('a start answer must carry a GUID in "value"', () => {
  assert.equal(parseStartAnswer({ value: FULL_TASK.id }), FULL_TASK.id);
  for (const body of [null, [], {}, { value: 'started' }, { value: 1 }]) {
    assert.throws(() => parseStartAnswer(body), UnexpectedAnswerError, JSON.stringify(body));
  }
});

test('an about answer must carry a buildVersion', () => {
  assert.deepEqual(parseAbout({ buildVersion: '34.14.3', nodeType: 1 }), { buildVersion: '34.14.3' });
  assert.throws(() => parseAbout({ nodeType: 1 }), UnexpectedAnswerError);
  assert.throws(() => parseAbout([]), UnexpectedAnswerError);
});
