/**
 * One start-task request end to end: QRS lookups (concurrently) → plan → key-value pairs
 * written → starts (concurrently, bounded) → answer. Lookup and store failures propagate
 * before anything is written or started; a start that fails only marks that task failed, or
 * unconfirmed when QRS cannot tell whether it started (lost-start.ts).
 */
import type { StartTaskSettings } from '../config/settings.js';
import { KvDisabledError } from '../kvstore/errors.js';
import type { KvStore } from '../kvstore/types.js';
import type { QrsClient, QrsTask } from '../qrs/types.js';
import { mapConcurrently } from './concurrency.js';
import { startAndConfirm } from './lost-start.js';
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
  readonly qrs: QrsClient;
  /** null when the key-value store is disabled: requests carrying pairs are refused. */
  readonly kv: KvStore | null;
  readonly settings: StartTaskSettings;
}

export type StartTaskRunner = (request: StartRequest) => Promise<StartTaskResponse>;

/** All lookups at once: one call for every task id, one per allowed tag and custom property. */
async function lookUp(qrs: QrsClient, needs: LookupNeeds): Promise<LookupResults> {
  const [tasksById, byTag, byCustomProperty] = await Promise.all([
    needs.taskIds.length > 0 ? qrs.getTasksByIds(needs.taskIds) : new Map<string, QrsTask>(),
    Promise.all(
      [...needs.tags].map(async ([key, tag]) => [key, await qrs.getTasksByTag(tag)] as const),
    ),
    Promise.all(
      [...needs.customProperties].map(
        async ([key, cp]) => [key, await qrs.getTasksByCustomProperty(cp.name, cp.value)] as const,
      ),
    ),
  ]);
  return { tasksById, tasksByTag: new Map(byTag), tasksByCustomProperty: new Map(byCustomProperty) };
}

export function createStartTaskRunner(deps: StartTaskDeps): StartTaskRunner {
  const { qrs, kv, settings } = deps;
  return async (request) => {
    const writesPairs = request.items.some((item) => item.type === 'keyvaluestore');
    if (writesPairs && kv === null) throw new KvDisabledError();

    const found = await lookUp(qrs, lookupNeeds(request, settings.filter));
    const plan = planStart(request, settings.filter, found);
    // Pairs are the parameters the reloads read, so they must be stored before any task starts.
    if (kv !== null && plan.kvPairs.length > 0) await kv.setMany(plan.kvPairs);

    const results = await mapConcurrently(tasksToStart(plan), settings.startConcurrency, async (task) => {
      return [taskKey(task.id), await startAndConfirm(qrs, task)] as const;
    });
    return buildResponse(plan, new Map(results));
  };
}
