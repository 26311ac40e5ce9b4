import Type from 'typebox';
import { errorResponse } from './error.js';
import { TtlInput } from './keyvalues.js';

const APP1_TASK = 'e3b27f50-b1c0-4879-88fc-c7cdd9c1cf3e';
const APP2_TASK = '7552d9fc-d1bb-4975-9a38-18357de531ea';
const CLOUD_APP = '5a1e0c3b-7f2d-4c61-9b8e-2d4f6a8c0001';

export const StartTaskParams = Type.Object({
  taskId: Type.String({
    description:
      'ID of a task to start, or `-` when only the body names what to start (`-` is never reported). ' +
      'With Qlik Cloud on, also a Qlik Cloud app ID, or a task ID Butler.qlikCloud.taskMap maps to one; an ID ' +
      'resolves through taskMap, then QRS, then Qlik Cloud apps. An ID that is not a GUID, or that no backend ' +
      'knows, is reported under `tasksId.invalid`.',
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
  partial: Type.Optional(
    Type.Boolean({
      default: false,
      description:
        'Extension: Qlik Cloud reloads of this request are partial reloads. QRS tasks are started as their ' +
        'task is set up in the QMC, whatever this says.',
    }),
  ),
  wait: Type.Optional(
    Type.Boolean({
      default: false,
      description:
        'Extension: answer only once every started task reached a final state (or timeoutSeconds passed). ' +
        'Waits on QRS executions and Qlik Cloud reloads alike (a reload-finished webhook event ends a Qlik Cloud wait at once). ' +
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
        'execution states to this URL, QRS tasks and Qlik Cloud reloads alike. It must start ' +
        'with one of Butler.startTaskCallback.allowedUrlPrefixes, at a path segment boundary (empty by default: ' +
        'callbacks off), else 400 and nothing starts. Signed (X-STG-Signature) when Butler.startTaskCallback.secret ' +
        'is set. Retried with backoff; lost if the service stops.',
      examples: ['https://airflow.example.com/hooks/qlik-reload'],
    }),
  ),
});

const StartTaskIdItem = Type.Object(
  {
    type: Type.Literal('starttaskid'),
    payload: Type.Object({ taskId: Type.String({ examples: [APP2_TASK] }) }),
  },
  { description: 'Start one task by ID (or a Qlik Cloud app by its ID, or a task moved there by Butler.qlikCloud.taskMap).' },
);

const StartTaskTagItem = Type.Object(
  {
    type: Type.Literal('starttasktag'),
    payload: Type.Object({ tag: Type.String({ minLength: 1, examples: ['startTask1'] }) }),
  },
  {
    description:
      'Start every QRS task carrying this tag, and every Qlik Cloud app in the public collection of exactly this name.',
  },
);

const StartTaskCustomPropertyItem = Type.Object(
  {
    type: Type.Literal('starttaskcustomproperty'),
    payload: Type.Object({
      customPropertyName: Type.String({ minLength: 1, examples: ['taskGroup'] }),
      customPropertyValue: Type.String({ minLength: 1, examples: ['tasks1'] }),
    }),
  },
  {
    description:
      'Start every QRS task whose custom property has this value. Qlik Cloud has no custom properties: with ' +
      'Butler.configQRS.enable false this item is a 400.',
  },
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

const ReloadVariableItem = Type.Object(
  {
    type: Type.Literal('reloadvariable'),
    payload: Type.Object({
      name: Type.String({ minLength: 1, maxLength: 256, examples: ['vRegion'] }),
      value: Type.String({ maxLength: 256, examples: ['EMEA'] }),
    }),
  },
  {
    description:
      'A variable every Qlik Cloud reload of the request gets before its script runs (LET/SET in the script ' +
      'override it). At most 20 per request, names unique, names and values at most 256 characters; ' +
      'checked before anything starts. QRS tasks take none: they start without them (`reloadVariablesIgnored`).',
  },
);

/**
 * Documents the body for the OpenAPI document. The route validates the body with
 * parseStartItems instead, whose messages name the item index and field.
 */
export const StartTaskBody = Type.Union(
  [
    Type.Array(Type.Union([StartTaskIdItem, StartTaskTagItem, StartTaskCustomPropertyItem, KeyValueItem, ReloadVariableItem])),
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
      [
        { type: 'starttaskid', payload: { taskId: CLOUD_APP } },
        { type: 'starttasktag', payload: { tag: 'Nightly reload' } },
        { type: 'reloadvariable', payload: { name: 'vRegion', value: 'EMEA' } },
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

const Backend = (description: string) => Type.Union([Type.Literal('qlik-sense'), Type.Literal('qlik-cloud')], { description });

/** Optional in the schema only so answers stored by an older version (Idempotency-Key replays) still serialise. */
const BackendFields = {
  backend: Type.Optional(Backend('Where the task runs: client-managed Qlik Sense (QRS) or Qlik Cloud. Always set by this version.')),
  appId: Type.Optional(
    Type.String({
      description: 'Qlik Cloud only: the app reloaded (taskId may be a task ID Butler.qlikCloud.taskMap maps to it).',
      examples: [CLOUD_APP],
    }),
  ),
};

const ItemsIgnored = (example: string, description: string) =>
  Type.Optional(
    Type.Object(
      { count: Type.Integer({ minimum: 1 }), reason: Type.String({ examples: [example] }) },
      { description },
    ),
  );

/** What `wait=true` (and a callback) adds to each execution entry. */
const WaitedExecutionFields = {
  status: NullableString(
    "The backend's status name: QRS's (Triggered, Started, Queued, AbortInitiated, Aborting, Aborted, FinishedSuccess, " +
      'FinishedFail, Skipped, Retry, Error, Reset, DistributionQueue, DistributionRunning) or Qlik Cloud\'s (QUEUED, ' +
      'RELOADING, CANCELING, SUCCEEDED, FAILED, CANCELED, EXCEEDED_LIMIT); null when the backend has not reported it yet.',
  ),
  statusText: Type.Optional(Type.String({ examples: ['Finished successfully'] })),
  startTime: NullableString('ISO time the reload started.'),
  stopTime: NullableString('ISO time it stopped; null while running.'),
  durationMs: Type.Optional(Type.Union([Type.Number(), Type.Null()], { description: 'Run time; null while running.' })),
  statusReason: Type.Optional(
    Type.String({
      description:
        'Present when the status is not final: why (the wait ended first, or the backend could not be asked).',
    }),
  ),
  scriptLogTail: Type.Optional(
    Type.String({
      description:
        'For FinishedFail, Error and Aborted (QRS), FAILED and EXCEEDED_LIMIT (Qlik Cloud): the last ' +
        'Butler.startTask.scriptLogTailLines lines of the script log (Qlik Cloud: the reload\'s log summary when the ' +
        'script log cannot be read), joined by \\n.',
    }),
  ),
  scriptLogTailUnavailable: Type.Optional(Type.String({ description: 'Why scriptLogTail is missing for a failed reload.' })),
};

export const StartTaskResponse = Type.Object(
  {
    tasksId: Type.Object({
      started: StartedTasks(
        'Tasks named by ID whose start their backend confirmed, in request order. A Qlik Cloud app reads as the ' +
          'ID the caller used and the app\'s name.',
      ),
      invalid: Type.Array(Type.Object({ taskId: Type.String() }), {
        description: 'Task IDs that are not GUIDs or that no backend knows, as sent.',
      }),
      denied: Type.Array(Type.Object({ taskId: Type.String() }), {
        description:
          'Task IDs refused by Butler.startTaskFilter, or not started because allTaskIdsMustExist=true ' +
          'and another ID was invalid, as sent.',
      }),
    }),
    tasksTag: StartedTasks(
      'Tasks started because of a `starttasktag` item, per item: QRS tasks in QRS order, then Qlik Cloud apps of ' +
        'the collection. A task matched by several items is listed under each, but started once per request.',
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
        taskName: Type.String({ description: 'The task ID when the name could not be looked up.' }),
        reason: Type.String({ examples: ['Task is disabled in QRS'] }),
        ...BackendFields,
      }),
      {
        description:
          'Extension (not in Butler): selected tasks that certainly did not start: disabled, refused or not ' +
          'found by QRS, or QRS answered 5xx and shows no execution of the task since the request; Qlik Cloud ' +
          'apps with a reload already pending or over the reload quota; task IDs whose backend could not be ' +
          'asked while the other backend answered. They are not listed under the started lists. A failed ' +
          'start does not fail the request (other tasks may have started), so the answer stays 200. Safe to retry.',
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
        ...BackendFields,
      }),
      {
        description:
          'Extension (not in Butler): selected tasks whose start answer was lost (timeout, dropped ' +
          'connection, 5xx) and for which their backend could not say whether they started, or not which of ' +
          'its executions (reloads) is theirs (the reason names the candidates). They may be running: check in ' +
          'the QMC or Qlik Cloud before starting them again. Starts are never retried by the service.',
      },
    ),
    executions: Type.Array(
      Type.Object({
        taskId: Type.String(),
        taskName: Type.String(),
        executionSessionId: Type.String({
          description: 'QRS execution session created by the start; for Qlik Cloud the reload ID (as reloadId).',
        }),
        ...BackendFields,
        reloadId: Type.Optional(Type.String({ description: 'Qlik Cloud only: the reload the start created.' })),
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
    keyValueItemsIgnored: ItemsIgnored(
      'Butler.keyValueStore.enable is false: keyvaluestore items are not stored ...',
      'Extension (not in Butler), present only when the body had keyvaluestore items while ' +
        'Butler.keyValueStore.enable is false: they were ignored, as Butler documents, and the tasks started.',
    ),
    backendsUnavailable: Type.Optional(
      Type.Array(
        Type.Object({
          backend: Backend('The backend that could not be asked.'),
          reason: Type.String({ examples: ['Qlik Cloud GET /api/v1/items failed: ...'] }),
          tags: Type.Array(Type.String(), { description: 'Allowed tags whose tasks there could not be looked up, nor started.' }),
          customProperties: Type.Array(Type.Object({ name: Type.String(), value: Type.String() }), {
            description: 'Allowed custom property values whose tasks could not be looked up, nor started.',
          }),
        }),
        {
          description:
            'Extension, present only with both backends on when one could not be asked and the request went on ' +
            'with the other. Task IDs that could only be on the unavailable side are in tasksFailed.',
        },
      ),
    ),
    reloadVariablesIgnored: ItemsIgnored(
      'QRS tasks take no reload variables: the tasks on client-managed Qlik Sense were started without them ...',
      'Extension, present only when the body had reloadvariable items and QRS tasks were started: those started ' +
        'without the variables (Qlik Cloud reloads got them).',
    ),
  },
  {
    description:
      'What was started, refused and failed. The first seven keys are Butler\'s and always present; ' +
      '`tasksFailed`, `tasksUnconfirmed` and `executions` are this service\'s extensions. A task is listed as ' +
      'started only once its backend confirmed the start with an execution session (Qlik Cloud: reload) id, in ' +
      'its answer or, when the answer was lost, as the one execution of the task that can be this start\'s ' +
      '(README: lost start answers).',
  },
);

export const StartTaskErrorResponse = errorResponse(
  '400: bad body or query (the message names the item index and field), or a custom property item while ' +
    'QRS is off; 413: body too large; ' +
    '400/409/413 with code ERR_KV_LIMIT: a key-value pair breaks a store limit; ' +
    '502/503/504: QRS (or Qlik Cloud) answered badly, was unreachable or too slow during the lookups, and no ' +
    'other backend answered; ' +
    '503 with code ERR_KV_UNAVAILABLE: the pairs could not be stored. ' +
    '409 with code ERR_IDEMPOTENCY_KEY_REUSED, ERR_IDEMPOTENCY_IN_PROGRESS or ERR_IDEMPOTENCY_OUTCOME_UNKNOWN, ' +
    '503 with code ERR_IDEMPOTENCY_UNAVAILABLE: the Idempotency-Key refused or could not check the request. ' +
    'For all of these nothing was written and nothing was started.',
);
