/** The QRS operations the service needs, each one round trip over the shared transport. */
import { BadRequestError } from '../errors.js';
import type { QrsSettings } from '../config/settings.js';
import { parseAbout, parseStartAnswer, parseTaskList } from './answers.js';
import { createExecutionReads } from './execution-reads.js';
import { and, eq, idIn, isGuid } from './filter.js';
import { createQrsTransport, parseJsonBody, unexpectedStatus, type QrsAnswer, type QrsTransportDeps } from './transport.js';
import type { QrsAbout, QrsClient, QrsTask, StartResult } from './types.js';

const EMPTY_GUID = '00000000-0000-0000-0000-000000000000';
export const NOT_STARTED_REASON = 'QRS did not start the task (disabled, no scheduler or app unavailable)';
export const NOT_FOUND_REASON = 'QRS: task not found';
export const INVALID_ID_REASON = 'not a task id (GUID expected)';

function taskList(answer: QrsAnswer): QrsTask[] {
  if (answer.status !== 200) throw unexpectedStatus(answer);
  return parseTaskList(parseJsonBody(answer));
}

function startAnswer(answer: QrsAnswer): StartResult {
  if (answer.status === 404) return { started: false, reason: NOT_FOUND_REASON };
  if (answer.status !== 200 && answer.status !== 201) throw unexpectedStatus(answer);
  const sessionId = parseStartAnswer(parseJsonBody(answer));
  // QRS answers the empty GUID when it accepted the call but started nothing.
  if (sessionId === EMPTY_GUID) return { started: false, reason: NOT_STARTED_REASON };
  return { started: true, executionSessionId: sessionId };
}

function noContent(answer: QrsAnswer): void {
  if (answer.status !== 204) throw unexpectedStatus(answer);
}

function aboutAnswer(answer: QrsAnswer): QrsAbout {
  if (answer.status !== 200) throw unexpectedStatus(answer);
  return parseAbout(parseJsonBody(answer));
}

function sameText(a: string, b: string): boolean {
  return a.toLowerCase() === b.toLowerCase();
}

function chunked<T>(items: readonly T[], size: number): T[][] {
  const chunks: T[][] = [];
  for (let start = 0; start < items.length; start += size) chunks.push(items.slice(start, start + size));
  return chunks;
}

export function createQrsClient(settings: QrsSettings, deps: QrsTransportDeps): QrsClient {
  const transport = createQrsTransport(settings, deps);
  const quoteEscape = settings.filterQuoteEscape;

  async function getTasksByIds(ids: readonly string[]): Promise<Map<string, QrsTask>> {
    const uniqueIds = [...new Map(ids.filter(isGuid).map((id) => [id.toLowerCase(), id])).values()];
    const lookups = chunked(uniqueIds, Math.max(1, settings.maxIdsPerLookup)).map((chunk) =>
      transport.call({ method: 'GET', path: '/task/full', filter: idIn(chunk), interpret: taskList }),
    );
    const tasksById = new Map<string, QrsTask>();
    for (const tasks of await Promise.all(lookups)) {
      for (const task of tasks) tasksById.set(task.id.toLowerCase(), task);
    }
    const result = new Map<string, QrsTask>();
    for (const id of ids) {
      const task = isGuid(id) ? tasksById.get(id.toLowerCase()) : undefined;
      if (task !== undefined) result.set(id, task);
    }
    return result;
  }

  function getTasksByTag(tag: string): Promise<QrsTask[]> {
    const filter = eq('tags.name', tag, quoteEscape);
    return transport.call({ method: 'GET', path: '/task/full', filter, interpret: taskList });
  }

  async function getTasksByCustomProperty(name: string, value: string): Promise<QrsTask[]> {
    const filter = and(
      eq('customProperties.definition.name', name, quoteEscape),
      eq('customProperties.value', value, quoteEscape),
    );
    const tasks = await transport.call({ method: 'GET', path: '/task/full', filter, interpret: taskList });
    // QRS matches name and value against the collection independently; re-check the pair.
    return tasks.filter((task) =>
      task.customProperties.some((cp) => sameText(cp.name, name) && sameText(cp.value, value)),
    );
  }

  async function startTask(id: string): Promise<StartResult> {
    if (!isGuid(id)) return { started: false, reason: INVALID_ID_REASON };
    return transport.call({ method: 'POST', path: `/task/${id}/start/synchronous`, interpret: startAnswer });
  }

  async function startTasks(ids: readonly string[]): Promise<void> {
    const invalid = ids.find((id) => !isGuid(id));
    if (invalid !== undefined) throw new BadRequestError(`Not a task id (GUID expected): ${JSON.stringify(invalid)}`);
    if (ids.length === 0) return;
    await transport.call({ method: 'POST', path: '/task/start/many', body: ids, interpret: noContent });
  }

  function about(): Promise<QrsAbout> {
    return transport.call({ method: 'GET', path: '/about', interpret: aboutAnswer });
  }

  return {
    getTasksByIds,
    getTasksByTag,
    getTasksByCustomProperty,
    startTask,
    startTasks,
    about,
    ...createExecutionReads(transport, settings),
    close: () => transport.close(),
  };
}
