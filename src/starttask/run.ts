/**
 * One start-task request end to end: lookups (batched, concurrently) → plan → key-value
 * pairs written → starts (concurrently, bounded) → answer. Lookup and store failures
 * propagate before anything is written or started; a start that fails only marks that task
 * failed, or unconfirmed when the backend cannot tell whether it started (lost-start.ts). Once
 * the request's signal is aborted (its client went away), none of its remaining calls are sent.
 */
import type { StartTaskSettings } from '../config/settings.js';
import { RequestCancelledError } from '../errors.js';
import type { KvStore } from '../kvstore/types.js';
import type { StartBackend, StartParameters } from './backend.js';
import { mapConcurrently } from './concurrency.js';
import {
  buildResponse,
  lookupNeeds,
  planStart,
  taskKey,
  tasksToStart,
  type LookupNeeds,
  type LookupResults,
  type StartRequest,
} from './plan.js';
import type { StartTaskResponse } from './types.js';

export interface StartTaskDeps {
  readonly qrs: StartBackend;
  /** null when the key-value store is disabled: pairs in requests are then ignored, as Butler documents. */
  readonly kv: KvStore | null;
  readonly settings: StartTaskSettings;
}

export type StartTaskRunner = (request: StartRequest, signal?: AbortSignal) => Promise<StartTaskResponse>;

/** Every id, tag and custom property of the request, in one batched lookup. */
async function lookUp(qrs: StartBackend, needs: LookupNeeds, signal: AbortSignal | undefined): Promise<LookupResults> {
  const tags = [...needs.tags];
  const customProperties = [...needs.customProperties];
  const found = await qrs.find(
    { ids: needs.taskIds, tags: tags.map(([, tag]) => tag), customProperties: customProperties.map(([, cp]) => cp) },
    signal,
  );
  return {
    tasksById: found.byId,
    tasksByTag: new Map(tags.map(([key], index) => [key, found.byTag[index] ?? []])),
    tasksByCustomProperty: new Map(customProperties.map(([key], index) => [key, found.byCustomProperty[index] ?? []])),
  };
}

const KV_DISABLED_REASON =
  'Butler.keyValueStore.enable is false: keyvaluestore items are not stored (as Butler documents); the tasks were started';

export function createStartTaskRunner(deps: StartTaskDeps): StartTaskRunner {
  const { qrs, kv, settings } = deps;
  const parameters: StartParameters = { partial: false, variables: {} };
  return async (request, signal) => {
    const pairItems = request.items.filter((item) => item.type === 'keyvaluestore').length;

    const found = await lookUp(qrs, lookupNeeds(request, settings.filter), signal);
    const plan = planStart(request, settings.filter, found);
    // Nobody waits for the answer any more: store nothing, start nothing.
    if (signal?.aborted) throw new RequestCancelledError('Start request cancelled before anything was stored or started');
    // Pairs are the parameters the reloads read, so they must be stored before any task starts.
    if (kv !== null && plan.kvPairs.length > 0) await kv.setMany(plan.kvPairs);

    const results = await mapConcurrently(tasksToStart(plan), settings.startConcurrency, async (task) => {
      return [taskKey(task.id), await qrs.start(task, parameters, signal)] as const;
    });
    const answer = buildResponse(plan, new Map(results));
    return kv === null && pairItems > 0 ? { ...answer, keyValueItemsIgnored: { count: pairItems, reason: KV_DISABLED_REASON } } : answer;
  };
}
