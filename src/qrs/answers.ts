/**
 * Shape checks for QRS JSON bodies. Anything that does not look like what QRS documents
 * is an UnexpectedAnswerError, so garbage can never be mistaken for "no tasks".
 */
import { isGuid } from './filter.js';
import { UnexpectedAnswerError } from './transport.js';
import type { QrsAbout, QrsTask } from './types.js';

type JsonObject = Readonly<Record<string, unknown>>;

function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function stringField(object: JsonObject, field: string, where: string): string {
  const value = object[field];
  if (typeof value !== 'string') throw new UnexpectedAnswerError(`${where} has no string "${field}"`);
  return value;
}

function arrayField(object: JsonObject, field: string, where: string): readonly unknown[] {
  const value = object[field];
  if (!Array.isArray(value)) throw new UnexpectedAnswerError(`${where} has no array "${field}"`);
  return value;
}

function objectAt(value: unknown, where: string): JsonObject {
  if (!isObject(value)) throw new UnexpectedAnswerError(`${where} is not an object`);
  return value;
}

function parseTask(value: unknown, where: string): QrsTask {
  const task = objectAt(value, where);
  const id = stringField(task, 'id', where);
  if (!isGuid(id)) throw new UnexpectedAnswerError(`${where} has an id that is not a GUID`);
  const { enabled, taskType } = task;
  if (typeof enabled !== 'boolean') throw new UnexpectedAnswerError(`${where} has no boolean "enabled"`);
  if (typeof taskType !== 'number') throw new UnexpectedAnswerError(`${where} has no number "taskType"`);
  const tags = arrayField(task, 'tags', where).map((tag, i) =>
    stringField(objectAt(tag, `${where} tag ${i}`), 'name', `${where} tag ${i}`),
  );
  const customProperties = arrayField(task, 'customProperties', where).map((entry, i) => {
    const cpWhere = `${where} custom property ${i}`;
    const customProperty = objectAt(entry, cpWhere);
    const definition = objectAt(customProperty['definition'], `${cpWhere} definition`);
    return {
      name: stringField(definition, 'name', `${cpWhere} definition`),
      value: stringField(customProperty, 'value', cpWhere),
    };
  });
  return { id, name: stringField(task, 'name', where), enabled, taskType, tags, customProperties };
}

/** A `task/full` answer: an array of full task objects. */
export function parseTaskList(body: unknown): QrsTask[] {
  if (!Array.isArray(body)) throw new UnexpectedAnswerError('task list is not an array');
  return body.map((entry, i) => parseTask(entry, `task ${i}`));
}

/** The string of a `{ "value": "..." }` answer (synchronous starts, script log references). */
export function parseValueAnswer(body: unknown, what: string): string {
  return stringField(objectAt(body, what), 'value', what);
}

/** A synchronous start answer `{ "value": "<execution session GUID>" }`. */
export function parseStartAnswer(body: unknown): string {
  const value = parseValueAnswer(body, 'start answer');
  if (!isGuid(value)) throw new UnexpectedAnswerError('start answer value is not a GUID');
  return value;
}

export function parseAbout(body: unknown): QrsAbout {
  return { buildVersion: stringField(objectAt(body, 'about answer'), 'buildVersion', 'about answer') };
}
