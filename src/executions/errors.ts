import { ServiceError } from '../errors.js';
import { backendWords } from './execution-id.js';
import type { BackendName } from './types.js';

/** No backend asked knows an execution (QRS session or result, Qlik Cloud reload) with this ID. */
export class ExecutionNotFoundError extends ServiceError {
  constructor(executionId: string, askedOf: readonly BackendName[]) {
    const what = askedOf.includes('qlik-sense') ? 'execution' : 'reload';
    super('ERR_EXECUTION_NOT_FOUND', 404, `No ${what} with ID ${executionId} in ${backendWords(askedOf)}`);
  }
}
