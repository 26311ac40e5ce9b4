import type { FastifyBaseLogger, FastifyPluginAsync, FastifySchemaCompiler } from 'fastify';
import { type TypeBoxTypeProvider, TypeBoxValidatorCompiler } from '@fastify/type-provider-typebox';
import type { TSchema } from 'typebox';
import type { StartTaskSettings } from '../../config/settings.js';
import type { KvStore } from '../../kvstore/types.js';
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

export interface StartTaskRoutesOptions {
  qrs: QrsClient;
  kv: KvStore | null;
  settings: StartTaskSettings;
  /** Butler.keyValueStore's length limits, checked on keyvaluestore items before any work. */
  pairLimits: StartItemLimits['pairs'];
}

/**
 * Params and query are checked (and "true"/"false" coerced) from their schemas. The body
 * schema only documents the API: parseStartItems checks the body, because a schema
 * validator's messages for a list of item variants cannot name the item and field at fault.
 */
const validateAllButBody: FastifySchemaCompiler<TSchema> = (route) =>
  route.httpPart === 'body' ? (value) => ({ value }) : TypeBoxValidatorCompiler(route);

/** One line per started task, one per failed task, and a summary with the caller's address. */
function logOutcome(log: FastifyBaseLogger, answer: StartTaskAnswer, clientIp: string): void {
  for (const { taskId, taskName, executionSessionId } of answer.executions) {
    log.info({ taskId, taskName, executionSessionId }, `Started task "${taskName}" (${taskId}), execution session ${executionSessionId}`);
  }
  for (const { taskId, taskName, reason } of answer.tasksFailed) {
    log.warn({ taskId, taskName, reason }, `Task "${taskName}" (${taskId}) did not start: ${reason}`);
  }
  const counts = {
    started: answer.executions.length,
    invalid: answer.tasksId.invalid.length,
    denied: answer.tasksId.denied.length + answer.tasksTagDenied.length + answer.tasksCPDenied.length,
    failed: answer.tasksFailed.length,
  };
  log.info(
    { ...counts, clientIp },
    `Start-task request from ${clientIp}: ${counts.started} started, ${counts.invalid} invalid, ` +
      `${counts.denied} denied, ${counts.failed} failed`,
  );
}

/** PUT (and POST, for the Qlik REST connector) /v4/reloadtask/{taskId}/start, as Butler serves it. */
export const startTaskRoutes: FastifyPluginAsync<StartTaskRoutesOptions> = async (fastify, opts) => {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  const startTasks = createStartTaskRunner(opts);

  app.route({
    method: ['PUT', 'POST'],
    url: '/v4/reloadtask/:taskId/start',
    validatorCompiler: validateAllButBody,
    schema: {
      summary: 'Start reload tasks by ID, tag or custom property, and store parameters for them',
      description:
        'Butler compatible. Stores the key-value pairs of the body, then starts every selected task ' +
        'once, waiting for QRS to confirm each start. Butler.startTaskFilter applies when enabled. ' +
        'Load scripts send this as a POST with `X-HTTP-Method-Override: PUT`.',
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
    handler: async (request) => {
      const { maxItems, maxFieldLength } = opts.settings;
      const items = parseStartItems(request.body, { maxItems, maxFieldLength, pairs: opts.pairLimits });
      const answer = await startTasks({
        urlTaskId: request.params.taskId,
        items,
        allTaskIdsMustExist: request.query.allTaskIdsMustExist === true,
      });
      logOutcome(request.log, answer, request.ip);
      return answer;
    },
  });
};
