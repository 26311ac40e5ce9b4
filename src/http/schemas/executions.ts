import Type from 'typebox';
import { EXECUTION_STATUS_NAMES } from '../../qrs/execution-types.js';
import { errorResponse } from './error.js';

const EXECUTION = '6a7e1c0b-2f4d-4e9a-8b3c-5d1f0e2a4c67';
const TIME = Type.Union([Type.String({ format: 'date-time' }), Type.Null()]);

export const ExecutionParams = Type.Object({
  executionId: Type.String({
    description: 'The `executionSessionId` a start answered under `executions`. Not a GUID: 400.',
    examples: [EXECUTION],
  }),
});

/** The status fields, shared with anything else that reports an execution's state. */
export const ExecutionStatusFields = {
  status: Type.String({
    description:
      `QRS's status name: ${EXECUTION_STATUS_NAMES.join(', ')}. Final: Aborted, FinishedSuccess, ` +
      'FinishedFail, Skipped, Error, Reset.',
    examples: ['FinishedFail'],
  }),
  statusText: Type.String({ description: 'The status in words.', examples: ['Failed'] }),
  startTime: { ...TIME, description: 'ISO time the reload started; null when QRS has none yet.' },
  stopTime: { ...TIME, description: 'ISO time the reload ended; null while it runs.' },
  durationMs: Type.Union([Type.Integer({ minimum: 0 }), Type.Null()], {
    description: 'Run time in ms once it ended; null while it runs.',
  }),
  scriptLogTail: Type.Optional(
    Type.String({
      description:
        'Only for FinishedFail, Error and Aborted: the last Butler.startTask.scriptLogTailLines lines of the ' +
        'reload\'s script log, joined by "\\n".',
    }),
  ),
  scriptLogTailUnavailable: Type.Optional(
    Type.String({ description: 'Instead of scriptLogTail, when the log could not be read: why.' }),
  ),
};

export const ExecutionStatusResponse = Type.Object(
  {
    executionId: Type.String({ examples: [EXECUTION] }),
    taskId: Type.String({ examples: ['e3b27f50-b1c0-4879-88fc-c7cdd9c1cf3e'] }),
    taskName: Type.Union([Type.String(), Type.Null()], {
      description: 'null when the task no longer exists in QRS.',
      examples: ['Reload task of App1'],
    }),
    ...ExecutionStatusFields,
  },
  { description: "Where the reload stands: QRS's execution session while it runs, its execution result after." },
);

export const ExecutionErrorResponse = errorResponse(
  '400: the execution ID is not a GUID; 404 (ERR_EXECUTION_NOT_FOUND): QRS knows no execution with that ID; ' +
    '502/503/504: QRS answered badly, was unreachable or too slow.',
);
