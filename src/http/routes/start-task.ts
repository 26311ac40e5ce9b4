import type { ServerResponse } from 'node:http';
import type { FastifyBaseLogger, FastifyPluginAsync, FastifySchemaCompiler } from 'fastify';
import { type TypeBoxTypeProvider, TypeBoxValidatorCompiler } from '@fastify/type-provider-typebox';
import type { TSchema } from 'typebox';
import type { StartTaskSettings } from '../../config/settings.js';
import { readIdempotencyKey, type IdempotencyGuard } from '../../idempotency/index.js';
import { followExecutions, parseWaitRequest, type FollowDeps } from '../../waiting/index.js';
import type { KvStore } from '../../kvstore/types.js';
import type { ServiceMetrics, StartOutcomeCounts } from '../../metrics/index.js';
import type { QrsClient } from '../../qrs/types.js';
import {
  createStartTaskRunner,
  parseStartItems,
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
  qrs: QrsClient;
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
 * How long an Idempotency-Key stays claimed by a request that never answers (its process
 * died): past this, a repeat runs again. Covers the lookups, the key-value writes and the starts.
 */
const IDEMPOTENCY_LEASE_MS = 5 * 60_000;


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
  for (const { taskId, taskName, executionSessionId } of answer.executions) {
    log.info({ taskId, taskName, executionSessionId }, `Started task "${taskName}" (${taskId}), execution session ${executionSessionId}`);
  }
  for (const { taskId, taskName, reason } of answer.tasksFailed) {
    log.warn({ taskId, taskName, reason }, `Task "${taskName}" (${taskId}) did not start: ${reason}`);
  }
  if (answer.keyValueItemsIgnored) {
    log.warn({ ignoredItems: answer.keyValueItemsIgnored.count }, `${answer.keyValueItemsIgnored.count} keyvaluestore item(s) ignored: ${answer.keyValueItemsIgnored.reason}`);
  }
  for (const { taskId, taskName, reason } of answer.tasksUnconfirmed) {
    log.warn({ taskId, taskName, reason }, `Task "${taskName}" (${taskId}) may or may not have started: ${reason}`);
  }
  const counts = {
    started: answer.executions.length,
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
        'once, waiting for QRS to confirm each start. Butler.startTaskFilter applies when enabled. ' +
        'Load scripts send this as a POST with `X-HTTP-Method-Override: PUT`. ' +
        'With an `Idempotency-Key` header (1-200 printable ASCII characters), a repeat of the same request ' +
        '(same caller, method, URL and body) within Butler.startTask.idempotencyWindowSeconds gets the first ' +
        'answer (header `Idempotent-Replayed: true`) and starts nothing; the key with another request is a 409 ' +
        '(ERR_IDEMPOTENCY_KEY_REUSED), and so is a repeat while the first request is still running ' +
        '(ERR_IDEMPOTENCY_IN_PROGRESS). A request that failed started nothing and frees its key.',
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
      const startAndFollow = async () => {
        const answer = await startTasks(
          {
            urlTaskId: request.params.taskId,
            items,
            allTaskIdsMustExist: request.query.allTaskIdsMustExist === true,
          },
          callerGone,
        );
        // After the answer is written (a later event-loop phase than the send): a mixed start's
        // 19 lines took 0.7 ms that its caller waited for. A waiting request still logs its
        // starts at once, while it waits.
        setImmediate(() => opts.metrics?.startOutcome(logOutcome(request.log, answer, request.ip)));
        const body = waitRequest ? await followExecutions(answer, waitRequest, opts.follow, callerGone) : answer;
        return { statusCode: 200, body };
      };
      // Checked when the work would begin, so a refused request started nothing (and an
      // Idempotency-Key repeat, answered without waiting, is never refused).
      const run = waitRequest?.wait ? () => waitingCap.hold(reply, startAndFollow) : startAndFollow;
      if (idempotencyKey === undefined) return (await run()).body;

      const { answer, replayed } = await opts.idempotency.run(
        {
          key: idempotencyKey,
          caller: callerLabel(callerOf(request)),
          method: request.method,
          url: request.url,
          body: request.body,
        },
        IDEMPOTENCY_LEASE_MS + (waitRequest?.wait ? waitRequest.timeoutSeconds * 1000 : 0),
        run,
      );
      if (replayed) {
        request.log.info('Idempotency-Key repeat: answered with the first answer, nothing started');
        reply.header('idempotent-replayed', 'true');
      }
      // The stored body is an answer this route sent before.
      return reply.code(answer.statusCode).send(answer.body as StartTaskAnswer);
    },
  });
};
