/**
 * Looks up everything one request needs (task ids, tags, custom property values) in as few
 * QRS calls as fit in `Butler.configQRS.maxUrlLength`, at most LOOKUP_CALLS_IN_FLIGHT of
 * them at once, and maps each answer back to the items it was asked for.
 */
import { BadRequestError } from '../errors.js';
import type { QrsSettings } from '../config/settings.js';
import { parseTaskList } from './answers.js';
import { batchesOf, type Batch } from './batches.js';
import { and, anyOf, eq, idIn, isGuid, type QrsFilter } from './filter.js';
import { runLimited } from '../run-limited.js';
import { parseJsonBody, unexpectedStatus, type QrsAnswer, type QrsTransport } from './transport.js';
import type { FoundTasks, QrsCallOptions, QrsTask, TaskQuery } from './types.js';

/** Lookup calls of one request in flight at once: QRS serves the whole site. */
export const LOOKUP_CALLS_IN_FLIGHT = 8;
const LOOKUP_PATH = '/task/full';
const SHOWN_VALUE_LENGTH = 40;

type NameValue = TaskQuery['customProperties'][number];

function taskList(answer: QrsAnswer): QrsTask[] {
  if (answer.status !== 200) throw unexpectedStatus(answer);
  return parseTaskList(parseJsonBody(answer));
}

/** QRS compares strings without regard to case; so does mapping its answers back. */
function sameText(a: string, b: string): boolean {
  return a.toLowerCase() === b.toLowerCase();
}

/** Distinct items by `keyOf`, first spelling kept. */
function distinct<T>(items: readonly T[], keyOf: (item: T) => string): T[] {
  const first = new Map<string, T>();
  for (const item of items) if (!first.has(keyOf(item))) first.set(keyOf(item), item);
  return [...first.values()];
}

function shown(value: string): string {
  return JSON.stringify(value.length > SHOWN_VALUE_LENGTH ? `${value.slice(0, SHOWN_VALUE_LENGTH)}…` : value);
}

const tagKey = (tag: string): string => tag.toLowerCase();
const pairKey = ({ name, value }: NameValue): string => JSON.stringify([name.toLowerCase(), value.toLowerCase()]);

export function createTaskFinder(
  transport: QrsTransport,
  settings: Pick<QrsSettings, 'filterQuoteEscape' | 'maxIdsPerLookup' | 'maxUrlLength'>,
): (query: TaskQuery, options?: QrsCallOptions) => Promise<FoundTasks> {
  const quoteEscape = settings.filterQuoteEscape;
  const room = transport.filterRoom(LOOKUP_PATH);

  function tooLong(what: string, encodedFilterLength: number): BadRequestError {
    const urlLength = settings.maxUrlLength - room + encodedFilterLength;
    return new BadRequestError(
      `${what} is too long to look up in QRS: its filter alone makes a URL of ${urlLength} characters, ` +
        `and Butler.configQRS.maxUrlLength is ${settings.maxUrlLength}`,
    );
  }

  const tagFilter = (tag: string): QrsFilter => eq('tags.name', tag, quoteEscape);
  const pairFilter = ({ name, value }: NameValue): QrsFilter =>
    and(eq('customProperties.definition.name', name, quoteEscape), eq('customProperties.value', value, quoteEscape));

  /** Every batch is planned (and any item refused) before the first call is sent. */
  function plan(query: TaskQuery) {
    const ids = distinct(query.taskIds.filter(isGuid), (id) => id.toLowerCase());
    const tags = distinct(query.tags, tagKey);
    const pairs = distinct(query.customProperties, pairKey);
    return {
      ids: batchesOf(ids, {
        operandOf: (id) => idIn([id]),
        filterOf: idIn,
        room,
        maxItems: settings.maxIdsPerLookup,
        // Every id has the same length, which the smallest maxUrlLength leaves room for.
        tooLong: (id, length) => tooLong(`The task id ${id}`, length),
      }),
      tags: batchesOf(tags, {
        operandOf: (tag) => `(${tagFilter(tag)})`,
        filterOf: (batch) => anyOf(batch.map(tagFilter)),
        room,
        maxItems: Number.POSITIVE_INFINITY,
        tooLong: (tag, length) => tooLong(`The tag ${shown(tag)}`, length),
      }),
      pairs: batchesOf(pairs, {
        operandOf: (pair) => `(${pairFilter(pair)})`,
        filterOf: (batch) => anyOf(batch.map(pairFilter)),
        room,
        maxItems: Number.POSITIVE_INFINITY,
        tooLong: (pair, length) => tooLong(`The custom property ${shown(pair.name)} = ${shown(pair.value)}`, length),
      }),
    };
  }

  async function findTasks(query: TaskQuery, options: QrsCallOptions = {}): Promise<FoundTasks> {
    const batches = plan(query);
    const all: Batch<unknown>[] = [...batches.ids, ...batches.tags, ...batches.pairs];
    const answers = await runLimited(
      all.map(({ filter }) => (signal: AbortSignal) =>
        transport.call({ method: 'GET', path: LOOKUP_PATH, filter, interpret: taskList, signal }),
      ),
      LOOKUP_CALLS_IN_FLIGHT,
      options.signal,
    );
    const answerOf = new Map(all.map((batch, index) => [batch, answers[index] ?? []]));

    const tasksById = new Map<string, QrsTask>();
    for (const batch of batches.ids) {
      for (const task of answerOf.get(batch) ?? []) tasksById.set(task.id.toLowerCase(), task);
    }
    const byId = new Map<string, QrsTask>();
    for (const id of query.taskIds) {
      const task = isGuid(id) ? tasksById.get(id.toLowerCase()) : undefined;
      if (task !== undefined) byId.set(id, task);
    }

    // A batch's answer holds the tasks of all its items: each item keeps those it matches.
    const tasksByTag = new Map<string, QrsTask[]>();
    for (const batch of batches.tags) {
      const tasks = answerOf.get(batch) ?? [];
      for (const tag of batch.items) {
        tasksByTag.set(tagKey(tag), tasks.filter((task) => task.tags.some((name) => sameText(name, tag))));
      }
    }
    // QRS matches name and value against the collection independently; this re-checks the pair.
    const tasksByPair = new Map<string, QrsTask[]>();
    for (const batch of batches.pairs) {
      const tasks = answerOf.get(batch) ?? [];
      for (const pair of batch.items) {
        tasksByPair.set(
          pairKey(pair),
          tasks.filter((task) => task.customProperties.some((cp) => sameText(cp.name, pair.name) && sameText(cp.value, pair.value))),
        );
      }
    }
    return {
      byId,
      byTag: query.tags.map((tag) => tasksByTag.get(tagKey(tag)) ?? []),
      byCustomProperty: query.customProperties.map((pair) => tasksByPair.get(pairKey(pair)) ?? []),
    };
  }

  return findTasks;
}
