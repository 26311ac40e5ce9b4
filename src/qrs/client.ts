/** The QRS operations the service needs, each one round trip over the shared transport. */
import type { QrsSettings } from '../config/settings.js';
import { parseAbout, parseStartAnswer } from './answers.js';
import { createExecutionReads } from './execution-reads.js';
import { isGuid } from './filter.js';
import { createTaskFinder } from './find-tasks.js';
import { createScriptLogs } from './script-log.js';
import { createQrsTransport, parseJsonBody, unexpectedStatus, type QrsAnswer, type QrsTransportDeps } from './transport.js';
import type { QrsAbout, QrsCallOptions, QrsClient, StartResult } from './types.js';

const EMPTY_GUID = '00000000-0000-0000-0000-000000000000';
export const NOT_STARTED_REASON = 'QRS did not start the task (disabled, no scheduler or app unavailable)';
export const NOT_FOUND_REASON = 'QRS: task not found';
export const INVALID_ID_REASON = 'not a task id (GUID expected)';

function startAnswer(answer: QrsAnswer): StartResult {
  if (answer.status === 404) return { started: false, reason: NOT_FOUND_REASON };
  if (answer.status !== 200 && answer.status !== 201) throw unexpectedStatus(answer);
  const sessionId = parseStartAnswer(parseJsonBody(answer));
  // QRS answers the empty GUID when it accepted the call but started nothing.
  if (sessionId === EMPTY_GUID) return { started: false, reason: NOT_STARTED_REASON };
  return { started: true, executionSessionId: sessionId };
}

function aboutAnswer(answer: QrsAnswer): QrsAbout {
  if (answer.status !== 200) throw unexpectedStatus(answer);
  return parseAbout(parseJsonBody(answer));
}

export function createQrsClient(settings: QrsSettings, deps: QrsTransportDeps): QrsClient {
  const transport = createQrsTransport(settings, deps);
  const findTasks = createTaskFinder(transport, settings);

  async function startTask(id: string, options: QrsCallOptions = {}): Promise<StartResult> {
    if (!isGuid(id)) return { started: false, reason: INVALID_ID_REASON };
    return transport.call({
      method: 'POST',
      path: `/task/${id}/start/synchronous`,
      interpret: startAnswer,
      ...(options.signal === undefined ? {} : { signal: options.signal }),
    });
  }

  function about(): Promise<QrsAbout> {
    return transport.call({ method: 'GET', path: '/about', interpret: aboutAnswer });
  }

  return {
    findTasks,
    startTask,
    about,
    ...createExecutionReads(transport, settings),
    ...createScriptLogs(transport, { downloadTimeoutMs: settings.timeoutMs }),
    close: () => transport.close(),
  };
}
