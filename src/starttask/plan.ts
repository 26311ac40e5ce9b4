/**
 * The start-task decisions, with no I/O: which lookups a request needs, then (given the
 * targets they resolved to, on either backend) which tasks start, which pairs are written,
 * and how the answer reads once the starts are known. resolve.ts and run.ts do the rest.
 */
import type { NameValue, StartTaskSettings } from '../config/settings.js';
import type { KvPair } from '../kvstore/types.js';
import { isGuid } from '../qrs/filter.js';
import type { BackendName, StartTarget } from './backend.js';
import type { StartItem } from './items.js';
import { isUnconfirmed, type StartOutcome } from './lost-start.js';
import type {
  BackendFields,
  BackendUnavailableEntry,
  ExecutionEntry,
  FailedTaskEntry,
  ItemsIgnored,
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

/** One target once per request, whichever items and ids reached it. */
export function targetKey(target: Pick<StartTarget, 'backend' | 'id'>): string {
  return `${target.backend}:${taskKey(target.id)}`;
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

/** What one requested id came to across the backends (resolve.ts). */
export type IdResolution =
  | { readonly kind: 'found'; readonly target: StartTarget }
  /** It may exist, but no backend that could hold it vouched for it: nothing starts, the answer says why. */
  | { readonly kind: 'unresolved'; readonly backend: BackendName; readonly reason: string };

/** A backend that was asked and could not answer, while the request went on with the other. */
export interface BackendUnavailable {
  readonly backend: BackendName;
  readonly reason: string;
}

export interface LookupResults {
  /** By taskKey, every id of LookupNeeds.taskIds that resolved; absent ones were found nowhere. */
  readonly targetsById: ReadonlyMap<string, IdResolution>;
  /** By tagKey, every tag of LookupNeeds.tags: its targets on every backend that answered. */
  readonly targetsByTag: ReadonlyMap<string, readonly StartTarget[]>;
  /** By customPropertyKey, every pair of LookupNeeds.customProperties. */
  readonly targetsByCustomProperty: ReadonlyMap<string, readonly StartTarget[]>;
  readonly unavailable: readonly BackendUnavailable[];
}

/** A target as an item reached it: `taskId` is what the answer calls it there. */
interface Selection {
  readonly taskId: string;
  readonly target: StartTarget;
}

type TaskIdOutcome =
  | { readonly outcome: 'start'; readonly taskId: string; readonly selection: Selection }
  | { readonly outcome: 'invalid'; readonly taskId: string }
  | { readonly outcome: 'denied'; readonly taskId: string }
  | { readonly outcome: 'unresolved'; readonly taskId: string; readonly backend: BackendName; readonly reason: string };

export interface StartPlan {
  /** Every target selected by an allowed item, each once, in order of first mention. */
  readonly selected: readonly Selection[];
  readonly kvPairs: readonly KvPair[];
  /** The reloadvariable items, as Qlik Cloud takes them. */
  readonly variables: Readonly<Record<string, string>>;
  readonly byTaskId: readonly TaskIdOutcome[];
  readonly byTag: readonly Selection[];
  readonly tagsDenied: readonly string[];
  readonly byCustomProperty: readonly Selection[];
  readonly customPropertiesDenied: readonly NameValue[];
  /** Backends that could not be asked, with the allowed tags and custom properties they left out. */
  readonly unavailable: readonly BackendUnavailableEntry[];
}

interface AllowList {
  tag(tag: string): boolean;
  customProperty(name: string, value: string): boolean;
  /** `taskId` is the id the caller named the target by, if any (a task id Butler.qlikCloud.taskMap maps). */
  task(target: StartTarget, taskId?: string): boolean;
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
    // Additive: a target on any of the three lists may start; the id list holds task or app ids.
    task: (target, taskId) =>
      taskIds.has(taskKey(target.id)) ||
      (taskId !== undefined && taskIds.has(taskKey(taskId))) ||
      target.tags.some(tag) ||
      target.customProperties.some((cp) => customProperty(cp.name, cp.value)),
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

/** What to look up. Denied tags and custom properties are never looked up. */
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

/**
 * A target reached by an id reads back as that id, in the backend's spelling when it is the
 * target's own (QRS's lower-case GUID), as the caller sent it when it was mapped to an app.
 */
function selectionById(taskId: string, target: StartTarget): Selection {
  return { taskId: taskKey(taskId) === taskKey(target.id) ? target.id : taskId, target };
}

function taskIdOutcomes(request: StartRequest, targetsById: ReadonlyMap<string, IdResolution>, allow: AllowList): TaskIdOutcome[] {
  const outcomes = requestedTaskIds(request).map((taskId): TaskIdOutcome => {
    const resolved = isGuid(taskId) ? targetsById.get(taskKey(taskId)) : undefined;
    if (resolved === undefined) return { outcome: 'invalid', taskId };
    if (resolved.kind === 'unresolved') return { outcome: 'unresolved', taskId, backend: resolved.backend, reason: resolved.reason };
    if (!allow.task(resolved.target, taskId)) return { outcome: 'denied', taskId };
    return { outcome: 'start', taskId, selection: selectionById(taskId, resolved.target) };
  });
  // An id no backend could vouch for may not exist either.
  const anyMissing = outcomes.some((o) => o.outcome === 'invalid' || o.outcome === 'unresolved');
  if (!request.allTaskIdsMustExist || !anyMissing) return outcomes;
  // One invalid id stops every start by id; the ones that would have started are reported denied.
  return outcomes.map((o) => (o.outcome === 'start' ? { outcome: 'denied', taskId: o.taskId } : o));
}

/** Custom properties exist only on client-managed Qlik Sense; tags on both backends. */
function leftOut(unavailable: BackendUnavailable, tags: readonly string[], customProperties: readonly NameValue[]): BackendUnavailableEntry {
  return {
    ...unavailable,
    tags: [...tags],
    customProperties: unavailable.backend === 'qlik-sense' ? [...customProperties] : [],
  };
}

/** The whole plan, from the request and the targets the lookups lookupNeeds asked for resolved to. */
export function planStart(request: StartRequest, filter: StartTaskFilter, found: LookupResults): StartPlan {
  const allow = allowListOf(filter);
  const byTaskId = taskIdOutcomes(request, found.targetsById, allow);

  const selected = new Map<string, Selection>();
  const select = (selection: Selection): void => {
    const key = targetKey(selection.target);
    if (!selected.has(key)) selected.set(key, selection);
  };
  // byTaskId holds the URL id's outcome first, then one per starttaskid item, in order.
  let idOutcome = 0;
  const selectById = (): void => {
    const o = byTaskId[idOutcome++];
    if (o?.outcome === 'start') select(o.selection);
  };
  if (request.urlTaskId !== BODY_ONLY_TASK_ID) selectById();

  const kvPairs: KvPair[] = [];
  const variables: Record<string, string> = {};
  const byTag: Selection[] = [];
  const tagsLookedUp: string[] = [];
  const tagsDenied: string[] = [];
  const byCustomProperty: Selection[] = [];
  const customPropertiesLookedUp: NameValue[] = [];
  const customPropertiesDenied: NameValue[] = [];
  const selectAll = (targets: readonly StartTarget[], into: Selection[]): void => {
    for (const target of targets) {
      const selection = { taskId: target.id, target };
      select(selection);
      into.push(selection);
    }
  };
  for (const item of request.items) {
    switch (item.type) {
      case 'starttaskid':
        selectById();
        break;
      case 'keyvaluestore':
        kvPairs.push(item.pair);
        break;
      case 'reloadvariable':
        variables[item.name] = item.value;
        break;
      case 'starttasktag':
        if (!allow.tag(item.tag)) {
          tagsDenied.push(item.tag);
        } else {
          tagsLookedUp.push(item.tag);
          selectAll(lookedUp(found.targetsByTag, tagKey(item.tag), `tag ${item.tag}`), byTag);
        }
        break;
      case 'starttaskcustomproperty':
        if (!allow.customProperty(item.name, item.value)) {
          customPropertiesDenied.push({ name: item.name, value: item.value });
        } else {
          customPropertiesLookedUp.push({ name: item.name, value: item.value });
          const key = customPropertyKey(item.name, item.value);
          selectAll(lookedUp(found.targetsByCustomProperty, key, `custom property ${item.name}`), byCustomProperty);
        }
        break;
    }
  }
  return {
    selected: [...selected.values()],
    kvPairs,
    variables,
    byTaskId,
    byTag,
    tagsDenied,
    byCustomProperty,
    customPropertiesDenied,
    unavailable: found.unavailable.map((u) => leftOut(u, tagsLookedUp, customPropertiesLookedUp)),
  };
}

/** The selected targets worth asking to start: disabled ones would only be refused. */
export function tasksToStart(plan: StartPlan): StartTarget[] {
  return plan.selected.flatMap(({ target }) => (target.enabled ? [target] : []));
}

const VARIABLES_IGNORED_REASON =
  'QRS tasks take no reload variables: the tasks on client-managed Qlik Sense were started without them ' +
  '(the Qlik Cloud reloads of this request got them)';

/** Said when a request's reload variables met QRS tasks, which start without them. */
function variablesIgnored(plan: StartPlan): ItemsIgnored | undefined {
  const count = Object.keys(plan.variables).length;
  if (count === 0 || !tasksToStart(plan).some((target) => target.backend === 'qlik-sense')) return undefined;
  return { count, reason: VARIABLES_IGNORED_REASON };
}

function backendFields(target: StartTarget): BackendFields {
  return target.backend === 'qlik-cloud' ? { backend: target.backend, appId: target.id } : { backend: target.backend };
}

/**
 * The answer, given what each start came to (by targetKey). A task appears under every item
 * that selected it, but only if its backend confirmed its start; otherwise it is in tasksFailed,
 * or in tasksUnconfirmed when the backend could not say whether it started. Started tasks carry
 * the backend's id (or the caller's id mapped to a Qlik Cloud app) and name; invalid and
 * denied ids read back as the caller sent them.
 */
export function buildResponse(plan: StartPlan, results: ReadonlyMap<string, StartOutcome>): StartTaskResponse {
  const startedKeys = new Set<string>();
  const executions: ExecutionEntry[] = [];
  const tasksFailed: FailedTaskEntry[] = [];
  const tasksUnconfirmed: UnconfirmedTaskEntry[] = [];
  for (const { taskId, target } of plan.selected) {
    const key = targetKey(target);
    const result: StartOutcome = target.enabled
      ? (results.get(key) ?? { started: false, reason: 'Start was not attempted' })
      : { started: false, reason: DISABLED_REASON };
    const entry = { taskId, taskName: target.name, ...backendFields(target) };
    if (result.started) {
      startedKeys.add(key);
      const runId = result.executionSessionId;
      executions.push({ ...entry, executionSessionId: runId, ...(target.backend === 'qlik-cloud' ? { reloadId: runId } : {}) });
    } else if (isUnconfirmed(result)) {
      tasksUnconfirmed.push({ ...entry, reason: result.reason });
    } else {
      tasksFailed.push({ ...entry, reason: result.reason });
    }
  }
  const failedIds = new Set<string>();
  for (const o of plan.byTaskId) {
    if (o.outcome !== 'unresolved' || failedIds.has(taskKey(o.taskId))) continue;
    failedIds.add(taskKey(o.taskId));
    tasksFailed.push({ taskId: o.taskId, taskName: o.taskId, backend: o.backend, reason: o.reason });
  }
  const listStarted = (selections: readonly Selection[]): StartedTaskEntry[] =>
    selections
      .filter(({ target }) => startedKeys.has(targetKey(target)))
      .map(({ taskId, target }) => ({ taskId, taskName: target.name }));
  const idsWith = (outcome: 'invalid' | 'denied'): TaskIdEntry[] =>
    plan.byTaskId.flatMap((o) => (o.outcome === outcome ? [{ taskId: o.taskId }] : []));
  const ignoredVariables = variablesIgnored(plan);

  return {
    tasksId: {
      started: listStarted(plan.byTaskId.flatMap((o) => (o.outcome === 'start' ? [o.selection] : []))),
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
    ...(plan.unavailable.length > 0 ? { backendsUnavailable: [...plan.unavailable] } : {}),
    ...(ignoredVariables ? { reloadVariablesIgnored: ignoredVariables } : {}),
  };
}
