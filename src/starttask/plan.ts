/**
 * The start-task decisions, with no I/O: which QRS lookups a request needs, then (given
 * their answers) which tasks start, which pairs are written, and how the answer reads once
 * the starts are known. run.ts does the I/O around these three steps.
 */
import type { NameValue, StartTaskSettings } from '../config/settings.js';
import type { KvPair } from '../kvstore/types.js';
import { isGuid } from '../qrs/filter.js';
import type { StartTarget } from './backend.js';
import type { StartItem } from './items.js';
import { isUnconfirmed, type StartOutcome } from './lost-start.js';
import type {
  ExecutionEntry,
  FailedTaskEntry,
  StartedTaskEntry,
  StartTaskResponse,
  TaskIdEntry,
  UnconfirmedTaskEntry,
} from './types.js';

export type StartTaskFilter = StartTaskSettings['filter'];

/** The URL task id meaning "only the body names tasks"; it is never reported. */
export const BODY_ONLY_TASK_ID = '-';

export const DISABLED_REASON = 'Task is disabled in QRS';

export interface StartRequest {
  readonly urlTaskId: string;
  readonly items: readonly StartItem[];
  readonly allTaskIdsMustExist: boolean;
}

/**
 * GUIDs, tags and custom properties are compared without regard to case, as QRS compares
 * strings: an allow-list entry grants exactly the tasks QRS would return for it.
 */
export function taskKey(taskId: string): string {
  return taskId.toLowerCase();
}

export function tagKey(tag: string): string {
  return tag.toLowerCase();
}

export function customPropertyKey(name: string, value: string): string {
  return JSON.stringify([name.toLowerCase(), value.toLowerCase()]);
}

export interface LookupNeeds {
  /** Distinct GUIDs named by the URL and `starttaskid` items, lower case. */
  readonly taskIds: readonly string[];
  /** Distinct allowed tags, by tagKey; the value is the spelling first used. */
  readonly tags: ReadonlyMap<string, string>;
  /** Distinct allowed custom property values, by customPropertyKey. */
  readonly customProperties: ReadonlyMap<string, NameValue>;
}

export interface LookupResults {
  /** As QrsClient.findTasks answers byId: unknown ids are absent. */
  readonly tasksById: ReadonlyMap<string, StartTarget>;
  /** By tagKey, every tag of LookupNeeds.tags. */
  readonly tasksByTag: ReadonlyMap<string, readonly StartTarget[]>;
  /** By customPropertyKey, every pair of LookupNeeds.customProperties. */
  readonly tasksByCustomProperty: ReadonlyMap<string, readonly StartTarget[]>;
}

type TaskIdOutcome =
  | { readonly outcome: 'start'; readonly taskId: string; readonly task: StartTarget }
  | { readonly outcome: 'invalid'; readonly taskId: string }
  | { readonly outcome: 'denied'; readonly taskId: string };

export interface StartPlan {
  /** Every task selected by an allowed item, each once, in order of first mention. */
  readonly selected: readonly StartTarget[];
  readonly kvPairs: readonly KvPair[];
  readonly byTaskId: readonly TaskIdOutcome[];
  readonly byTag: readonly StartTarget[];
  readonly tagsDenied: readonly string[];
  readonly byCustomProperty: readonly StartTarget[];
  readonly customPropertiesDenied: readonly NameValue[];
}

interface AllowList {
  tag(tag: string): boolean;
  customProperty(name: string, value: string): boolean;
  task(task: StartTarget): boolean;
}

function allowListOf(filter: StartTaskFilter): AllowList {
  if (!filter.enable) return { tag: () => true, customProperty: () => true, task: () => true };
  const taskIds = new Set(filter.taskIds.map(taskKey));
  const tags = new Set(filter.tags.map(tagKey));
  const customProperties = new Set(filter.customProperties.map((cp) => customPropertyKey(cp.name, cp.value)));
  const tag = (name: string): boolean => tags.has(tagKey(name));
  const customProperty = (name: string, value: string): boolean =>
    customProperties.has(customPropertyKey(name, value));
  return {
    tag,
    customProperty,
    // Additive: a task on any of the three lists may start.
    task: (task) =>
      taskIds.has(taskKey(task.id)) ||
      task.tags.some(tag) ||
      task.customProperties.some((cp) => customProperty(cp.name, cp.value)),
  };
}

/** The task ids of a request in order: the URL id (unless it is the magic `-`), then the body's. */
function requestedTaskIds(request: StartRequest): string[] {
  const ids = request.urlTaskId === BODY_ONLY_TASK_ID ? [] : [request.urlTaskId];
  for (const item of request.items) {
    if (item.type === 'starttaskid') ids.push(item.taskId);
  }
  return ids;
}

/** What to ask QRS. Denied tags and custom properties are never looked up. */
export function lookupNeeds(request: StartRequest, filter: StartTaskFilter): LookupNeeds {
  const allow = allowListOf(filter);
  // Every GUID is looked up, filter or not: a task may be allowed by its tags or custom properties.
  const taskIds = [...new Set(requestedTaskIds(request).filter(isGuid).map(taskKey))];
  const tags = new Map<string, string>();
  const customProperties = new Map<string, NameValue>();
  for (const item of request.items) {
    if (item.type === 'starttasktag' && allow.tag(item.tag) && !tags.has(tagKey(item.tag))) {
      tags.set(tagKey(item.tag), item.tag);
    } else if (item.type === 'starttaskcustomproperty' && allow.customProperty(item.name, item.value)) {
      const key = customPropertyKey(item.name, item.value);
      if (!customProperties.has(key)) customProperties.set(key, { name: item.name, value: item.value });
    }
  }
  return { taskIds, tags, customProperties };
}

function lookedUp<T>(map: ReadonlyMap<string, T>, key: string, what: string): T {
  const found = map.get(key);
  // run.ts looks up exactly what lookupNeeds asked for, so a miss is a programming error.
  if (found === undefined) throw new Error(`No lookup result for ${what}`);
  return found;
}

function taskIdOutcomes(
  request: StartRequest,
  tasksById: ReadonlyMap<string, StartTarget>,
  allow: AllowList,
): TaskIdOutcome[] {
  const outcomes = requestedTaskIds(request).map((taskId): TaskIdOutcome => {
    const task = isGuid(taskId) ? tasksById.get(taskKey(taskId)) : undefined;
    if (task === undefined) return { outcome: 'invalid', taskId };
    return allow.task(task) ? { outcome: 'start', taskId, task } : { outcome: 'denied', taskId };
  });
  const anyInvalid = outcomes.some((o) => o.outcome === 'invalid');
  if (!request.allTaskIdsMustExist || !anyInvalid) return outcomes;
  // One invalid id stops every start by id; the ones that would have started are reported denied.
  return outcomes.map((o) => (o.outcome === 'start' ? { outcome: 'denied', taskId: o.taskId } : o));
}

/** The whole plan, from the request and the answers to the lookups lookupNeeds asked for. */
export function planStart(request: StartRequest, filter: StartTaskFilter, found: LookupResults): StartPlan {
  const allow = allowListOf(filter);
  const tasksById = new Map([...found.tasksById.values()].map((task) => [taskKey(task.id), task]));
  const byTaskId = taskIdOutcomes(request, tasksById, allow);

  const selected = new Map<string, StartTarget>();
  const select = (task: StartTarget): void => {
    if (!selected.has(taskKey(task.id))) selected.set(taskKey(task.id), task);
  };
  // byTaskId holds the URL id's outcome first, then one per starttaskid item, in order.
  let idOutcome = 0;
  const selectById = (): void => {
    const o = byTaskId[idOutcome++];
    if (o?.outcome === 'start') select(o.task);
  };
  if (request.urlTaskId !== BODY_ONLY_TASK_ID) selectById();

  const kvPairs: KvPair[] = [];
  const byTag: StartTarget[] = [];
  const tagsDenied: string[] = [];
  const byCustomProperty: StartTarget[] = [];
  const customPropertiesDenied: NameValue[] = [];
  for (const item of request.items) {
    switch (item.type) {
      case 'starttaskid':
        selectById();
        break;
      case 'keyvaluestore':
        kvPairs.push(item.pair);
        break;
      case 'starttasktag':
        if (!allow.tag(item.tag)) {
          tagsDenied.push(item.tag);
        } else {
          const tasks = lookedUp(found.tasksByTag, tagKey(item.tag), `tag ${item.tag}`);
          tasks.forEach(select);
          byTag.push(...tasks);
        }
        break;
      case 'starttaskcustomproperty':
        if (!allow.customProperty(item.name, item.value)) {
          customPropertiesDenied.push({ name: item.name, value: item.value });
        } else {
          const key = customPropertyKey(item.name, item.value);
          const tasks = lookedUp(found.tasksByCustomProperty, key, `custom property ${item.name}`);
          tasks.forEach(select);
          byCustomProperty.push(...tasks);
        }
        break;
    }
  }
  return {
    selected: [...selected.values()],
    kvPairs,
    byTaskId,
    byTag,
    tagsDenied,
    byCustomProperty,
    customPropertiesDenied,
  };
}

/** The selected tasks worth asking QRS to start: disabled ones would only be refused. */
export function tasksToStart(plan: StartPlan): StartTarget[] {
  return plan.selected.filter((task) => task.enabled);
}

/**
 * The answer, given what QRS said to each start (by taskKey). A task appears under every
 * item that selected it, but only if QRS confirmed its start; otherwise it is in tasksFailed, or
 * in tasksUnconfirmed when QRS could not say whether it started.
 * Started tasks carry QRS's id and name; invalid and denied ids read back as the caller sent them.
 */
export function buildResponse(plan: StartPlan, results: ReadonlyMap<string, StartOutcome>): StartTaskResponse {
  const startedKeys = new Set<string>();
  const executions: ExecutionEntry[] = [];
  const tasksFailed: FailedTaskEntry[] = [];
  const tasksUnconfirmed: UnconfirmedTaskEntry[] = [];
  for (const task of plan.selected) {
    const result: StartOutcome = task.enabled
      ? (results.get(taskKey(task.id)) ?? { started: false, reason: 'Start was not attempted' })
      : { started: false, reason: DISABLED_REASON };
    if (result.started) {
      startedKeys.add(taskKey(task.id));
      executions.push({ taskId: task.id, taskName: task.name, executionSessionId: result.executionSessionId });
    } else if (isUnconfirmed(result)) {
      tasksUnconfirmed.push({ taskId: task.id, taskName: task.name, reason: result.reason });
    } else {
      tasksFailed.push({ taskId: task.id, taskName: task.name, reason: result.reason });
    }
  }
  const listStarted = (tasks: readonly StartTarget[]): StartedTaskEntry[] =>
    tasks.filter((task) => startedKeys.has(taskKey(task.id))).map((task) => ({ taskId: task.id, taskName: task.name }));
  const idsWith = (outcome: 'invalid' | 'denied'): TaskIdEntry[] =>
    plan.byTaskId.flatMap((o) => (o.outcome === outcome ? [{ taskId: o.taskId }] : []));

  return {
    tasksId: {
      started: listStarted(plan.byTaskId.flatMap((o) => (o.outcome === 'start' ? [o.task] : []))),
      invalid: idsWith('invalid'),
      denied: idsWith('denied'),
    },
    tasksTag: listStarted(plan.byTag),
    tasksTagDenied: plan.tagsDenied.map((tag) => ({ tag })),
    tasksCP: listStarted(plan.byCustomProperty),
    tasksCPDenied: plan.customPropertiesDenied.map(({ name, value }) => ({ name, value })),
    tasksFailed,
    tasksUnconfirmed,
    executions,
  };
}
