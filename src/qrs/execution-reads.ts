/** Batch reads of execution sessions and results (QrsExecutionReads), over the client's transport. */
import type { QrsSettings } from '../config/settings.js';
import { parseResultList, parseSessionList } from './execution-answers.js';
import type { QrsExecutionReads, QrsExecutionResult, QrsExecutionSession } from './execution-types.js';
import { and, anyOf, atLeast, guidIn, isGuid, type QrsFilter } from './filter.js';
import { latestResults } from './latest-result.js';
import { parseJsonBody, unexpectedStatus, type QrsAnswer, type QrsTransport } from './transport.js';

const SESSION_PATH = '/executionsession/full';
const RESULT_PATH = '/executionresult/full';
const EMPTY_GUID = '00000000-0000-0000-0000-000000000000';
/** The task references of an execution session, one per task type (QRS's ExecutionSession model). */
const SESSION_TASK_REFERENCES = ['reloadTask', 'externalProgramTask', 'userSyncTask'];

function interpretWith<T>(parse: (body: unknown) => T): (answer: QrsAnswer) => T {
  return (answer) => {
    if (answer.status !== 200) throw unexpectedStatus(answer);
    return parse(parseJsonBody(answer));
  };
}

/** Distinct GUIDs, lower-cased, in chunks of at most `size`. */
function guidChunks(ids: readonly string[], size: number): string[][] {
  const unique = [...new Set(ids.filter(isGuid).map((id) => id.toLowerCase()))];
  const chunks: string[][] = [];
  for (let start = 0; start < unique.length; start += size) chunks.push(unique.slice(start, start + size));
  return chunks;
}

/** Later start wins; a result without a start time loses to one with. */
function newer(a: QrsExecutionResult, b: QrsExecutionResult): boolean {
  return (a.startTime ?? '') > (b.startTime ?? '');
}

export function createExecutionReads(transport: QrsTransport, settings: QrsSettings): QrsExecutionReads {
  /**
   * Ids per call: at most maxIdsPerLookup, and few enough that the URL-encoded `or` filter
   * stays within Butler.configQRS.maxUrlLength.
   */
  function chunkSize(path: string, property: string): number {
    const perId = encodeURIComponent(`${property} eq ${EMPTY_GUID} or `).length;
    const fit = Math.floor((transport.filterRoom(path) + encodeURIComponent(' or ').length) / perId);
    return Math.max(1, Math.min(settings.maxIdsPerLookup, fit));
  }
  const sessionChunk = chunkSize(SESSION_PATH, 'id');
  const resultChunk = chunkSize(RESULT_PATH, 'executionID');

  /** One call per chunk, one after the other: a poll round must not flood QRS. */
  async function inChunks<T>(ids: readonly string[], size: number, read: (chunk: string[]) => Promise<T[]>): Promise<T[]> {
    const found: T[] = [];
    for (const chunk of guidChunks(ids, size)) found.push(...(await read(chunk)));
    return found;
  }

  const sessions = (filter: QrsFilter): Promise<QrsExecutionSession[]> =>
    transport.call({ method: 'GET', path: SESSION_PATH, filter, interpret: interpretWith(parseSessionList) });
  const results = (filter: QrsFilter): Promise<QrsExecutionResult[]> =>
    transport.call({ method: 'GET', path: RESULT_PATH, filter, interpret: interpretWith(parseResultList) });

  return {
    async getExecutionSessions(executionIds) {
      const found = await inChunks(executionIds, sessionChunk, (chunk) => sessions(guidIn('id', chunk)));
      return new Map(found.map((session) => [session.id, session]));
    },

    async getExecutionResults(executionIds) {
      return latestResults(await inChunks(executionIds, resultChunk, (chunk) => results(guidIn('executionID', chunk))));
    },

    async getExecutionResultsOfTaskSince(taskId, since) {
      if (!isGuid(taskId)) return [];
      const filter = and(guidIn('taskID', [taskId]), atLeast('startTime', since.toISOString(), settings.filterQuoteEscape));
      const found = await results(filter);
      return found.sort((a, b) => (newer(a, b) ? -1 : newer(b, a) ? 1 : 0));
    },

    async getRunningSessionsOfTask(taskId) {
      if (!isGuid(taskId)) return [];
      return sessions(anyOf(SESSION_TASK_REFERENCES.map((reference) => guidIn(`${reference}.id`, [taskId]))));
    },

    async getFirstStartTimes(executionIds) {
      const found = await inChunks(executionIds, resultChunk, (chunk) => results(guidIn('executionID', chunk)));
      const first = new Map<string, string | null>();
      for (const { executionId, startTime } of found) {
        const seen = first.get(executionId);
        // ISO times in one format compare as text.
        if (seen === undefined || (startTime !== null && (seen === null || startTime < seen))) first.set(executionId, startTime);
      }
      return first;
    },
  };
}
