import type { FastifyPluginAsync } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { BadRequestError, ServiceError } from '../../errors.js';
import type { ExecutionReader } from '../../executions/index.js';
import { isGuid } from '../../qrs/index.js';
import { ExecutionErrorResponse, ExecutionParams, ExecutionStatusResponse } from '../schemas/executions.js';

export interface ExecutionRoutesOptions {
  executions: ExecutionReader;
}

/** QRS knows no execution session or result with this ID. */
export class ExecutionNotFoundError extends ServiceError {
  constructor(executionId: string) {
    super('ERR_EXECUTION_NOT_FOUND', 404, `No execution with ID ${executionId} in QRS`);
  }
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
          'Extension (not in Butler). `executionId` is an `executionSessionId` from a start answer. ' +
          'While the reload runs the answer comes from its QRS execution session, afterwards from its ' +
          'execution result. A reload that ended FinishedFail, Error or Aborted carries `scriptLogTail`.',
        tags: ['Reload tasks'],
        params: ExecutionParams,
        response: { 200: ExecutionStatusResponse, '4xx': ExecutionErrorResponse, '5xx': ExecutionErrorResponse },
      },
    },
    async (request) => {
      const { executionId } = request.params;
      if (!isGuid(executionId)) {
        // A Qlik Cloud reload id (an executionSessionId of a qlik-cloud entry) lands here too: say so.
        throw new BadRequestError(
          `executionId must be a GUID, a QRS execution session id; Qlik Cloud reloads are not served here ` +
            `(got ${JSON.stringify(executionId.slice(0, 60))})`,
        );
      }
      const status = await opts.executions.readExecution(executionId);
      if (status === null) throw new ExecutionNotFoundError(executionId);
      return status;
    },
  );
};
