import Type from 'typebox';
import { errorResponse } from './error.js';
import { TtlInput } from './keyvalues.js';

const APP1_TASK = 'e3b27f50-b1c0-4879-88fc-c7cdd9c1cf3e';
const APP2_TASK = '7552d9fc-d1bb-4975-9a38-18357de531ea';

export const StartTaskParams = Type.Object({
  taskId: Type.String({
    description:
      'ID of a task to start, or `-` when only the body names what to start (`-` is never reported). ' +
      'An ID that is not a GUID, or that QRS does not know, is reported under `tasksId.invalid`.',
    examples: [APP1_TASK, '-'],
  }),
});

export const StartTaskQuery = Type.Object({
  allTaskIdsMustExist: Type.Optional(
    Type.Boolean({
      default: false,
      description:
        'When true and any task ID (URL or `starttaskid` item) is invalid, no task selected by ID starts; ' +
        'the valid ones are reported under `tasksId.denied`. Starts by tag or custom property are not affected.',
    }),
  ),
  wait: Type.Optional(
    Type.Boolean({
      default: false,
      description:
        'Extension: answer only once every started task reached a final state (or timeoutSeconds passed). ' +
        'Each `executions` entry then carries `status`, `statusText`, `startTime`, `stopTime`, `durationMs`, ' +
        'and the answer a `wait` summary. A timeout is not an error: unfinished tasks show their last seen state.',
    }),
  ),
  timeoutSeconds: Type.Optional(
    Type.Integer({
      minimum: 1,
      description:
        'Extension: longest wait for `wait=true` and before a callback, in seconds; default and cap ' +
        'Butler.startTask.maxWaitSeconds (3600). Needs wait=true or callbackUrl.',
    }),
  ),
  callbackUrl: Type.Optional(
    Type.String({
      maxLength: 2048,
      description:
        'Extension: once every started task is final (or timeoutSeconds passed), POST the answer with the final ' +
        'execution states to this URL. It must start with one of Butler.startTaskCallback.allowedUrlPrefixes, at a ' +
        'path segment boundary (empty by default: callbacks off), else 400 and nothing starts. Signed ' +
        '(X-STG-Signature) when Butler.startTaskCallback.secret is set. Retried with backoff; lost if the service stops.',
      examples: ['https://airflow.example.com/hooks/qlik-reload'],
    }),
  ),
});

const StartTaskIdItem = Type.Object(
  {
    type: Type.Literal('starttaskid'),
    payload: Type.Object({ taskId: Type.String({ examples: [APP2_TASK] }) }),
  },
  { description: 'Start one task by ID.' },
);

const StartTaskTagItem = Type.Object(
  {
    type: Type.Literal('starttasktag'),
    payload: Type.Object({ tag: Type.String({ minLength: 1, examples: ['startTask1'] }) }),
  },
  { description: 'Start every task carrying this tag.' },
);

const StartTaskCustomPropertyItem = Type.Object(
  {
    type: Type.Literal('starttaskcustomproperty'),
    payload: Type.Object({
      customPropertyName: Type.String({ minLength: 1, examples: ['taskGroup'] }),
      customPropertyValue: Type.String({ minLength: 1, examples: ['tasks1'] }),
    }),
  },
  { description: 'Start every task whose custom property has this value.' },
);

const KeyValueItem = Type.Object(
  {
    type: Type.Literal('keyvaluestore'),
    payload: Type.Object({
      namespace: Type.String({ minLength: 1, examples: ['MyFineNamespace'] }),
      key: Type.String({ minLength: 1, examples: ['AnImportantKey'] }),
      value: Type.String({ examples: ['TheValue'] }),
      ttl: Type.Optional(TtlInput),
    }),
  },
  { description: 'Store a key-value pair (a parameter for the reload) before any task starts.' },
);

/**
 * Documents the body for the OpenAPI document. The route validates the body with
 * parseStartItems instead, whose messages name the item index and field.
 */
export const StartTaskBody = Type.Union(
  [
    Type.Array(Type.Union([StartTaskIdItem, StartTaskTagItem, StartTaskCustomPropertyItem, KeyValueItem])),
    Type.Object({}, { additionalProperties: false, description: 'Same as an empty array.' }),
  ],
  {
    description:
      'Optional list of items, processed in order. An absent body, `[]` and `{}` all mean "no items". ' +
      'All key-value pairs are stored before any task starts; if they cannot be stored, nothing starts.',
    examples: [
      [
        { type: 'starttaskid', payload: { taskId: APP2_TASK } },
        { type: 'starttasktag', payload: { tag: 'startTask1' } },
        { type: 'starttaskcustomproperty', payload: { customPropertyName: 'taskGroup', customPropertyValue: 'tasks2' } },
        { type: 'keyvaluestore', payload: { namespace: 'MyFineNamespace', key: 'Foo', value: 'Bar', ttl: '10000' } },
      ],
    ],
  },
);

const StartedTask = Type.Object({
  taskId: Type.String({ examples: [APP1_TASK] }),
  taskName: Type.String({ examples: ['Reload task of App1'] }),
});

const StartedTasks = (description: string) => Type.Array(StartedTask, { description });

const NullableString = (description: string) => Type.Optional(Type.Union([Type.String(), Type.Null()], { description }));

/** What `wait=true` (and a callback) adds to each execution entry. */
const WaitedExecutionFields = {
  status: NullableString(
    "QRS's status name (Triggered, Started, Queued, AbortInitiated, Aborting, Aborted, FinishedSuccess, " +
      'FinishedFail, Skipped, Retry, Error, Reset); null when QRS has not reported the execution yet.',
  ),
  statusText: Type.Optional(Type.String({ examples: ['Finished successfully'] })),
  startTime: NullableString('ISO time the reload started.'),
  stopTime: NullableString('ISO time it stopped; null while running.'),
  durationMs: Type.Optional(Type.Union([Type.Number(), Type.Null()], { description: 'Run time; null while running.' })),
  statusReason: Type.Optional(
    Type.String({ description: 'Present when the status is not final: why (the wait ended first, or QRS could not be asked).' }),
  ),
  scriptLogTail: Type.Optional(
    Type.String({
      description:
        'For FinishedFail, Error and Aborted: the last Butler.startTask.scriptLogTailLines lines of the script log, joined by \\n.',
    }),
  ),
  scriptLogTailUnavailable: Type.Optional(Type.String({ description: 'Why scriptLogTail is missing for a failed reload.' })),
};

export const StartTaskResponse = Type.Object(
  {
    tasksId: Type.Object({
      started: StartedTasks('Tasks named by ID that QRS confirmed as started, in request order.'),
      invalid: Type.Array(Type.Object({ taskId: Type.String() }), {
        description: 'Task IDs that are not GUIDs or that QRS does not know, as sent.',
      }),
      denied: Type.Array(Type.Object({ taskId: Type.String() }), {
        description:
          'Task IDs refused by Butler.startTaskFilter, or not started because allTaskIdsMustExist=true ' +
          'and another ID was invalid, as sent.',
      }),
    }),
    tasksTag: StartedTasks(
      'Tasks started because of a `starttasktag` item, per item in QRS order. A task matched by several ' +
        'items is listed under each, but started once per request.',
    ),
    tasksTagDenied: Type.Array(Type.Object({ tag: Type.String() }), {
      description: 'Tags not on Butler.startTaskFilter.allowTask.tag (nothing was looked up or started for them).',
    }),
    tasksCP: StartedTasks(
      'Tasks started because of a `starttaskcustomproperty` item, per item in QRS order; listed under ' +
        'each matching item, started once per request.',
    ),
    tasksCPDenied: Type.Array(Type.Object({ name: Type.String(), value: Type.String() }), {
      description: 'Custom property values not on Butler.startTaskFilter.allowTask.customProperty.',
    }),
    tasksFailed: Type.Array(
      Type.Object({
        taskId: Type.String(),
        taskName: Type.String(),
        reason: Type.String({ examples: ['Task is disabled in QRS'] }),
      }),
      {
        description:
          'Extension (not in Butler): selected tasks QRS certainly did not start: disabled, refused or not ' +
          'found by QRS, or QRS answered 5xx and shows no execution of the task since the request. They are ' +
          'not listed under the started lists. A failed start does not fail the request (other tasks may ' +
          'have started), so the answer stays 200. Safe to retry.',
      },
    ),
    tasksUnconfirmed: Type.Array(
      Type.Object({
        taskId: Type.String(),
        taskName: Type.String(),
        reason: Type.String({
          examples: [
            'QRS POST /qrs/task/{id}/start/synchronous failed: no answer within 10000 ms; QRS could not be asked whether it started: ...',
          ],
        }),
      }),
      {
        description:
          'Extension (not in Butler): selected tasks whose start answer was lost (timeout, dropped ' +
          'connection, 5xx) and for which QRS could not say whether they started, or not which of its ' +
          'executions is theirs (the reason names the candidates). They may be running: check in the QMC ' +
          'before starting them again. Starts are never retried by the service.',
      },
    ),
    executions: Type.Array(
      Type.Object({
        taskId: Type.String(),
        taskName: Type.String(),
        executionSessionId: Type.String({ description: 'QRS execution session created by the start.' }),
        ...WaitedExecutionFields,
      }),
      { description: 'Extension (not in Butler): one entry per task started, each task once.' },
    ),
    wait: Type.Optional(
      Type.Object(
        {
          outcome: Type.Union(
            ['finished', 'timeout', 'cancelled', 'stopped'].map((outcome) => Type.Literal(outcome)),
            { description: 'finished; timeout; cancelled (the caller went away); stopped (the service shut down).' },
          ),
          finished: Type.Boolean({ description: 'Every started task reached a final state.' }),
          timeoutSeconds: Type.Integer({ description: 'The timeout that applied, after the cap.' }),
        },
        { description: 'Extension: present with wait=true and in callbacks.' },
      ),
    ),
    keyValueItemsIgnored: Type.Optional(
      Type.Object(
        {
          count: Type.Integer({ minimum: 1 }),
          reason: Type.String({ examples: ['Butler.keyValueStore.enable is false: keyvaluestore items are not stored ...'] }),
        },
        {
          description:
            'Extension (not in Butler), present only when the body had keyvaluestore items while ' +
            'Butler.keyValueStore.enable is false: they were ignored, as Butler documents, and the tasks started.',
        },
      ),
    ),
  },
  {
    description:
      'What was started, refused and failed. The first seven keys are Butler\'s and always present; ' +
      '`tasksFailed`, `tasksUnconfirmed` and `executions` are this service\'s extensions. A task is listed as ' +
      'started only once QRS confirmed the start with an execution session id, in its answer or, when ' +
      'the answer was lost, as the one execution of the task that can be this start\'s (README: lost start answers).',
  },
);

export const StartTaskErrorResponse = errorResponse(
  '400: bad body or query (the message names the item index and field); 413: body too large; ' +
    '400/409/413 with code ERR_KV_LIMIT: a key-value pair breaks a store limit; ' +
    '502/503/504: QRS answered badly, was unreachable or too slow during the lookups; ' +
    '503 with code ERR_KV_UNAVAILABLE: the pairs could not be stored. ' +
    '409 with code ERR_IDEMPOTENCY_KEY_REUSED, ERR_IDEMPOTENCY_IN_PROGRESS or ERR_IDEMPOTENCY_OUTCOME_UNKNOWN, ' +
    '503 with code ERR_IDEMPOTENCY_UNAVAILABLE: the Idempotency-Key refused or could not check the request. ' +
    'For all of these nothing was written and nothing was started.',
);
