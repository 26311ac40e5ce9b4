import Type from 'typebox';
import { EXECUTION_STATUS_NAMES } from '../../qrs/execution-types.js';
import { errorResponse } from './error.js';

const EXECUTION = '6a7e1c0b-2f4d-4e9a-8b3c-5d1f0e2a4c67';
const TIME = Type.Union([Type.String({ format: 'date-time' }), Type.Null()]);

export const ExecutionParams = Type.Object({
  executionId: Type.String({
    description:
      'The `executionSessionId` a start answered under `executions` (for Qlik Cloud, its `reloadId`). A GUID is ' +
      'asked of QRS first, then of Qlik Cloud; any other id of 1-64 URL-safe characters of Qlik Cloud (when it is ' +
      'on); anything else is a 400.',
    examples: [EXECUTION],
  }),
});

/** The status fields, shared with anything else that reports an execution's state. */
export const ExecutionStatusFields = {
  status: Type.String({
    description:
      `QRS's status name: ${EXECUTION_STATUS_NAMES.join(', ')}. Final: Aborted, FinishedSuccess, ` +
      "FinishedFail, Skipped, Error, Reset. For Qlik Cloud, its status name: QUEUED, RELOADING, CANCELING; final: " +
      'SUCCEEDED, FAILED, CANCELED, EXCEEDED_LIMIT (any other is running).',
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
        'Only for FinishedFail, Error and Aborted (QRS), FAILED and EXCEEDED_LIMIT (Qlik Cloud): the last ' +
        'Butler.startTask.scriptLogTailLines lines of the reload\'s script log (Qlik Cloud: of the reload\'s log ' +
        'summary when the script log cannot be read), joined by "\\n".',
    }),
  ),
  scriptLogTailUnavailable: Type.Optional(
    Type.String({ description: 'Instead of scriptLogTail, when the log could not be read: why.' }),
  ),
};

export const ExecutionStatusResponse = Type.Object(
  {
    executionId: Type.String({ examples: [EXECUTION] }),
    taskId: Type.String({ description: 'The QRS task (Qlik Cloud: the app reloaded).', examples: ['e3b27f50-b1c0-4879-88fc-c7cdd9c1cf3e'] }),
    taskName: Type.Union([Type.String(), Type.Null()], {
      description: 'null when the task (app) no longer exists.',
      examples: ['Reload task of App1'],
    }),
    ...ExecutionStatusFields,
    backend: Type.Union([Type.Literal('qlik-sense'), Type.Literal('qlik-cloud')], {
      description: 'Where the reload runs: client-managed Qlik Sense (QRS) or Qlik Cloud.',
    }),
    appId: Type.Optional(Type.String({ description: 'Qlik Cloud only: the app reloaded.' })),
    reloadId: Type.Optional(Type.String({ description: 'Qlik Cloud only: the reload (the executionId asked about).' })),
  },
  {
    description:
      "Where the reload stands: QRS's execution session while it runs, its execution result after; or the Qlik Cloud reload.",
  },
);

export const ExecutionErrorResponse = errorResponse(
  '400: the ID is neither a GUID nor (with Qlik Cloud on) a Qlik Cloud reload ID; 404 (ERR_EXECUTION_NOT_FOUND): ' +
    'no backend asked knows it; 502/503/504: QRS or Qlik Cloud answered badly, was unreachable or too slow.',
);
