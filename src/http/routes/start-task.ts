import type { ServerResponse } from 'node:http';
import type { FastifyBaseLogger, FastifyPluginAsync, FastifySchemaCompiler } from 'fastify';
import { type TypeBoxTypeProvider, TypeBoxValidatorCompiler } from '@fastify/type-provider-typebox';
import type { TSchema } from 'typebox';
import type { StartTaskSettings } from '../../config/settings.js';
import { readIdempotencyKey, type IdempotencyGuard } from '../../idempotency/index.js';
import { followExecutions, parseWaitRequest, type FollowDeps, type WaitRequest } from '../../waiting/index.js';
import type { KvStore } from '../../kvstore/types.js';
import type { ServiceMetrics, StartOutcomeCounts } from '../../metrics/index.js';
import {
  createStartTaskRunner,
  parseStartItems,
  type StartBackends,
  type StartItemLimits,
  type StartTaskResponse as StartTaskAnswer,
} from '../../starttask/index.js';
import {
  StartTaskBody,
  StartTaskErrorResponse,
  StartTaskParams,
  StartTaskQuery,
  StartTaskResponse,
} from '../schemas/start-task.js';
import { callerLabel, callerOf } from '../auth/index.js';
import { createWaitingCap } from '../waiting-cap.js';

export interface StartTaskRoutesOptions {
  /** QRS and Qlik Cloud (each null when off), and Butler.qlikCloud.taskMap. */
  backends: StartBackends;
  kv: KvStore | null;
  settings: StartTaskSettings;
  /** Butler.keyValueStore's length limits, checked on keyvaluestore items before any work. */
  pairLimits: StartItemLimits['pairs'];
  idempotency: IdempotencyGuard;
  /** Counts started, failed, denied and invalid tasks (stg_tasks_*). */
  metrics?: Pick<ServiceMetrics, 'startOutcome'>;
  /** The shared execution poller and the callback sender. */
  follow: FollowDeps;
}

/**
 * Params and query are checked (and "true"/"false" coerced) from their schemas. The body
 * schema only documents the API: parseStartItems checks the body, because a schema
 * validator's messages for a list of item variants cannot name the item and field at fault.
 */
const validateAllButBody: FastifySchemaCompiler<TSchema> = (route) =>
  route.httpPart === 'body' ? (value) => ({ value }) : TypeBoxValidatorCompiler(route);

/**
 * One line per started task, one per failed task, and a summary with the caller's address;
 * returns the summary's counts.
 */
function logOutcome(log: FastifyBaseLogger, answer: StartTaskAnswer, clientIp: string): StartOutcomeCounts {
  for (const { taskId, taskName, executionSessionId, appId } of answer.executions) {
    if (appId === undefined) {
      log.info({ taskId, taskName, executionSessionId }, `Started task "${taskName}" (${taskId}), execution session ${executionSessionId}`);
    } else {
      log.info({ taskId, taskName, appId, reloadId: executionSessionId }, `Started Qlik Cloud app "${taskName}" (${appId}) for ${taskId}, reload ${executionSessionId}`);
    }
  }
  for (const { backend, reason } of answer.backendsUnavailable ?? []) {
    log.warn({ backend, reason }, `Backend ${backend} could not be asked; the request went on with the other: ${reason}`);
  }
  for (const { taskId, taskName, reason } of answer.tasksFailed) {
    log.warn({ taskId, taskName, reason }, `Task "${taskName}" (${taskId}) did not start: ${reason}`);
  }
  if (answer.keyValueItemsIgnored) {
    log.warn({ ignoredItems: answer.keyValueItemsIgnored.count }, `${answer.keyValueItemsIgnored.count} keyvaluestore item(s) ignored: ${answer.keyValueItemsIgnored.reason}`);
  }
  if (answer.reloadVariablesIgnored) {
    log.info({ ignoredItems: answer.reloadVariablesIgnored.count }, `${answer.reloadVariablesIgnored.count} reloadvariable item(s) not given to QRS tasks: ${answer.reloadVariablesIgnored.reason}`);
  }
  for (const { taskId, taskName, reason } of answer.tasksUnconfirmed) {
    log.warn({ taskId, taskName, reason }, `Task "${taskName}" (${taskId}) may or may not have started: ${reason}`);
  }
  const counts = {
    started: answer.executions.length,
    startedOnQlikCloud: answer.executions.filter((execution) => execution.backend === 'qlik-cloud').length,
    invalid: answer.tasksId.invalid.length,
    denied: answer.tasksId.denied.length + answer.tasksTagDenied.length + answer.tasksCPDenied.length,
    failed: answer.tasksFailed.length,
    unconfirmed: answer.tasksUnconfirmed.length,
  };
  log.info(
    { ...counts, clientIp },
    `Start-task request from ${clientIp}: ${counts.started} started, ${counts.invalid} invalid, ` +
      `${counts.denied} denied, ${counts.failed} failed, ${counts.unconfirmed} unconfirmed`,
  );
  return counts;
}

/** Aborted when the connection closes before the answer is sent: its QRS calls are not worth making. */
function clientGone(response: ServerResponse): AbortSignal {
  const gone = new AbortController();
  response.once('close', () => {
    if (!response.writableFinished) gone.abort();
  });
  return gone.signal;
}

/** PUT (and POST, for the Qlik REST connector) /v4/reloadtask/{taskId}/start, as Butler serves it. */
export const startTaskRoutes: FastifyPluginAsync<StartTaskRoutesOptions> = async (fastify, opts) => {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  const startTasks = createStartTaskRunner(opts);
  const waitingCap = createWaitingCap(opts.settings.maxWaitingRequests);

  app.route({
    method: ['PUT', 'POST'],
    url: '/v4/reloadtask/:taskId/start',
    validatorCompiler: validateAllButBody,
    schema: {
      summary: 'Start reload tasks by ID, tag or custom property, and store parameters for them',
      description:
        'Butler compatible. Stores the key-value pairs of the body, then starts every selected task ' +
        'once, waiting for QRS (or Qlik Cloud, for its apps) to confirm each start. Butler.startTaskFilter ' +
        'applies when enabled. With Butler.qlikCloud on, IDs and tags also select Qlik Cloud apps (README: Qlik Cloud). ' +
        'Load scripts send this as a POST with `X-HTTP-Method-Override: PUT`. ' +
        'With an `Idempotency-Key` header (1-200 printable ASCII characters), a repeat of the same request ' +
        '(same caller, method, URL and body) within Butler.startTask.idempotencyWindowSeconds gets the first ' +
        'start answer (header `Idempotent-Replayed: true`) and starts nothing; with wait=true it waits on the ' +
        'started executions afresh. The key with another request is a 409 (ERR_IDEMPOTENCY_KEY_REUSED), and so ' +
        'is a repeat while the first request is still starting its tasks (ERR_IDEMPOTENCY_IN_PROGRESS) or when ' +
        'the first request did not record what it started (ERR_IDEMPOTENCY_OUTCOME_UNKNOWN). A request that ' +
        'failed started nothing and frees its key.',
      tags: ['Reload tasks'],
      params: StartTaskParams,
      querystring: StartTaskQuery,
      body: StartTaskBody,
      response: {
        200: StartTaskResponse,
        '4xx': StartTaskErrorResponse,
        '5xx': StartTaskErrorResponse,
      },
    },
    handler: async (request, reply) => {
      const { maxItems, maxFieldLength } = opts.settings;
      const items = parseStartItems(request.body, { maxItems, maxFieldLength, pairs: opts.pairLimits });
      const waitRequest = parseWaitRequest(request.query, opts.settings);
      const idempotencyKey = readIdempotencyKey(request.headers['idempotency-key']);
      const callerGone = clientGone(reply.raw);
      const start = async () => {
        const answer = await startTasks(
          {
            urlTaskId: request.params.taskId,
            items,
            allTaskIdsMustExist: request.query.allTaskIdsMustExist === true,
            partial: request.query.partial === true,
          },
          callerGone,
        );
        // After the answer is written (a later event-loop phase than the send): a mixed start's
        // 19 lines took 0.7 ms that its caller waited for. A waiting request still logs its
        // starts at once, while it waits.
        setImmediate(() => opts.metrics?.startOutcome(logOutcome(request.log, answer, request.ip)));
        return answer;
      };
      const follow = (answer: StartTaskAnswer, asked: WaitRequest | null) =>
        asked ? followExecutions(answer, asked, opts.follow, callerGone) : answer;
      const startAndFollow = async () => {
        if (idempotencyKey === undefined) return follow(await start(), waitRequest);
        const guarded = await opts.idempotency.run(
          {
            key: idempotencyKey,
            caller: callerLabel(callerOf(request)),
            method: request.method,
            url: request.url,
            body: request.body,
          },
          async () => ({ statusCode: 200, body: await start() }),
        );
        // The stored body is a start answer this route made before.
        const answer = guarded.answer.body as StartTaskAnswer;
        if (guarded.kind === 'fresh') return follow(answer, waitRequest);
        request.log.info('Idempotency-Key repeat: answered from the first request, nothing started');
        reply.header('idempotent-replayed', 'true');
        reply.code(guarded.answer.statusCode);
        if (guarded.kind === 'replayed-as-sent') return answer;
        // A repeat waits on the executions again, as the first did, but sends no second callback.
        return follow(answer, waitRequest && { ...waitRequest, callbackUrl: null });
      };
      // Checked before the work begins, so a refused request started nothing. A repeat of an
      // idempotent request that waits is counted too: it holds its connection just the same.
      return waitRequest?.wait ? waitingCap.hold(reply, startAndFollow) : startAndFollow();
    },
  });
};
