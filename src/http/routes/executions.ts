import type { FastifyPluginAsync } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { ExecutionReader } from '../../executions/index.js';
import { ExecutionErrorResponse, ExecutionParams, ExecutionStatusResponse } from '../schemas/executions.js';

export interface ExecutionRoutesOptions {
  executions: ExecutionReader;
}

/** GET /v4/reloadtask/execution/{executionId}: the status of one started reload. */
export const executionRoutes: FastifyPluginAsync<ExecutionRoutesOptions> = async (fastify, opts) => {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  app.get(
    '/v4/reloadtask/execution/:executionId',
    {
      schema: {
        summary: 'Status of a started reload, with the end of its script log when it failed',
        description:
          'Extension (not in Butler). `executionId` is an `executionSessionId` from a start answer, or the ' +
          '`reloadId` of a Qlik Cloud reload. A GUID is asked of QRS first (then of Qlik Cloud, when it is on); ' +
          'any other id of 1-64 URL-safe characters is asked of Qlik Cloud; anything else is a 400. On QRS the ' +
          'answer comes from the execution session while the reload runs, afterwards from its execution result. ' +
          'A reload that ended FinishedFail, Error or Aborted (QRS), or FAILED or EXCEEDED_LIMIT (Qlik Cloud), ' +
          'carries `scriptLogTail`.',
        tags: ['Reload tasks'],
        params: ExecutionParams,
        response: { 200: ExecutionStatusResponse, '4xx': ExecutionErrorResponse, '5xx': ExecutionErrorResponse },
      },
    },
    async (request) => opts.executions.readExecution(request.params.executionId),
  );
};
