/** Shape checks for execution session and result bodies; anything else is an UnexpectedAnswerError. */
import { isGuid } from './filter.js';
import { UnexpectedAnswerError } from './transport.js';
import type { QrsExecutionResult, QrsExecutionSession } from './execution-types.js';

type JsonObject = Readonly<Record<string, unknown>>;

/** QRS writes "never" as this date. */
const NEVER_PREFIX = '1753-';
const EMPTY_GUID = '00000000-0000-0000-0000-000000000000';

function objectAt(value: unknown, where: string): JsonObject {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new UnexpectedAnswerError(`${where} is not an object`);
  }
  return value as JsonObject;
}

function guidField(object: JsonObject, field: string, where: string): string {
  const value = object[field];
  if (typeof value !== 'string' || !isGuid(value)) throw new UnexpectedAnswerError(`${where} has no GUID "${field}"`);
  return value.toLowerCase();
}

function statusField(object: JsonObject, where: string): number {
  const value = object['status'];
  if (typeof value !== 'number' || !Number.isInteger(value)) throw new UnexpectedAnswerError(`${where} has no number "status"`);
  return value;
}

function timeField(object: JsonObject, field: string, where: string): string | null {
  const value = object[field];
  if (value === undefined || value === null) return null;
  if (typeof value !== 'string' || Number.isNaN(Date.parse(value))) {
    throw new UnexpectedAnswerError(`${where} has no time "${field}"`);
  }
  return value.startsWith(NEVER_PREFIX) ? null : new Date(value).toISOString();
}

function listOf<T>(body: unknown, what: string, parse: (entry: unknown, where: string) => T): T[] {
  if (!Array.isArray(body)) throw new UnexpectedAnswerError(`${what} list is not an array`);
  return body.map((entry, i) => parse(entry, `${what} ${i}`));
}

function parseSession(value: unknown, where: string): QrsExecutionSession {
  const session = objectAt(value, where);
  // Which task reference a session carries is not documented [INF]: take whichever is there.
  const task = [session['task'], session['reloadTask']].find((ref) => typeof ref === 'object' && ref !== null);
  const taskId = task === undefined ? undefined : (task as JsonObject)['id'];
  return {
    id: guidField(session, 'id', where),
    status: statusField(session, where),
    taskId: typeof taskId === 'string' && isGuid(taskId) ? taskId.toLowerCase() : undefined,
  };
}

function parseResult(value: unknown, where: string): QrsExecutionResult {
  const result = objectAt(value, where);
  const duration = result['duration'];
  const fileReference = result['fileReferenceID'];
  return {
    id: guidField(result, 'id', where),
    createdTime: timeField(result, 'createdDate', where),
    executionId: guidField(result, 'executionID', where),
    taskId: guidField(result, 'taskID', where),
    status: statusField(result, where),
    startTime: timeField(result, 'startTime', where),
    stopTime: timeField(result, 'stopTime', where),
    durationMs: typeof duration === 'number' && duration >= 0 ? duration : 0,
    fileReferenceId:
      typeof fileReference === 'string' && isGuid(fileReference) && fileReference !== EMPTY_GUID
        ? fileReference.toLowerCase()
        : null,
  };
}

export function parseSessionList(body: unknown): QrsExecutionSession[] {
  return listOf(body, 'execution session', parseSession);
}

export function parseResultList(body: unknown): QrsExecutionResult[] {
  return listOf(body, 'execution result', parseResult);
}
