/**
 * One start-task request end to end: lookups on every backend that is on (batched, the
 * backends concurrently) → plan → key-value pairs written → starts on both backends
 * (concurrently, under one bound) → answer. Lookup and store failures propagate before anything
 * is written or started, unless one backend answered while the other could not be asked: the
 * request then goes on and the answer says what was left out (resolve.ts). A start that fails
 * only marks that task failed, or unconfirmed when its backend cannot tell whether it started
 * (lost-start.ts). Once the request's signal is aborted (its client went away), none of its
 * remaining calls are sent.
 */
import type { StartTaskSettings } from '../config/settings.js';
import { RequestCancelledError } from '../errors.js';
import type { KvStore } from '../kvstore/types.js';
import type { StartBackend, StartParameters, StartTarget } from './backend.js';
import { mapConcurrently } from './concurrency.js';
import { buildResponse, lookupNeeds, planStart, targetKey, tasksToStart, type LookupNeeds, type LookupResults, type StartRequest } from './plan.js';
import {
  backendQueries,
  refuseItemsWithoutBackend,
  resolveTargets,
  type BackendAnswer,
  type BackendChoice,
  type BackendLookup,
} from './resolve.js';
import type { StartTaskResponse } from './types.js';

/** The backends that are on (null: off), and the tasks that moved to Qlik Cloud. */
export interface StartBackends extends BackendLookup<StartBackend | null> {
  /** Butler.qlikCloud.taskMap: by lower-cased QRS task id, the Qlik Cloud app id. */
  readonly taskMap: ReadonlyMap<string, string>;
}

export interface StartTaskDeps {
  readonly backends: StartBackends;
  /** null when the key-value store is disabled: pairs in requests are then ignored, as Butler documents. */
  readonly kv: KvStore | null;
  readonly settings: StartTaskSettings;
}

/** The request as the route read it: the plan's part, and what Qlik Cloud reloads are asked to do. */
export interface RunRequest extends StartRequest {
  /** ?partial=true: Qlik Cloud reloads are partial. */
  readonly partial: boolean;
}

export type StartTaskRunner = (request: RunRequest, signal?: AbortSignal) => Promise<StartTaskResponse>;

type Asked = BackendAnswer & { readonly error?: Error };

/**
 * Every id, tag and custom property of the request, each backend in one batched lookup, both
 * at once. When every backend asked failed, so does the request, with the first one's error.
 */
async function lookUp(deps: StartTaskDeps, choice: BackendChoice, needs: LookupNeeds, signal: AbortSignal | undefined): Promise<LookupResults> {
  const queries = backendQueries(needs, choice);
  const ask = async (which: 'qrs' | 'qlikCloud'): Promise<Asked | null> => {
    const backend = deps.backends[which];
    const query = queries[which];
    if (backend === null || query === null) return null;
    try {
      return { found: await backend.find(query, signal) };
    } catch (error) {
      if (!backend.isUnavailable(error)) throw error;
      return { unavailable: error.message, error };
    }
  };
  const [qrs, qlikCloud] = await Promise.all([ask('qrs'), ask('qlikCloud')]);
  const asked = [qrs, qlikCloud].filter((answer) => answer !== null);
  const firstError = asked[0]?.error;
  if (firstError !== undefined && asked.every((answer) => answer.error !== undefined)) throw firstError;
  return resolveTargets(needs, choice, { qrs, qlikCloud });
}

const KV_DISABLED_REASON =
  'Butler.keyValueStore.enable is false: keyvaluestore items are not stored (as Butler documents); the tasks were started';

export function createStartTaskRunner(deps: StartTaskDeps): StartTaskRunner {
  const { backends, kv, settings } = deps;
  const choice: BackendChoice = { qrs: backends.qrs !== null, qlikCloud: backends.qlikCloud !== null, taskMap: backends.taskMap };
  const backendOf = (target: StartTarget): StartBackend => {
    const backend = target.backend === 'qlik-sense' ? backends.qrs : backends.qlikCloud;
    // Targets come from the backends' own lookups, so an off backend cannot have one.
    if (backend === null) throw new Error(`No ${target.backend} backend for ${target.id}`);
    return backend;
  };
  return async (request, signal) => {
    refuseItemsWithoutBackend(request, choice);
    const pairItems = request.items.filter((item) => item.type === 'keyvaluestore').length;

    const needs = lookupNeeds(request, settings.filter);
    const plan = planStart(request, settings.filter, await lookUp(deps, choice, needs, signal));
    // Nobody waits for the answer any more: store nothing, start nothing.
    if (signal?.aborted) throw new RequestCancelledError('Start request cancelled before anything was stored or started');
    // Pairs are the parameters the reloads read, so they must be stored before any task starts.
    if (kv !== null && plan.kvPairs.length > 0) await kv.setMany(plan.kvPairs);

    const parameters: StartParameters = { partial: request.partial, variables: plan.variables };
    const results = await mapConcurrently(tasksToStart(plan), settings.startConcurrency, async (target) => {
      return [targetKey(target), await backendOf(target).start(target, parameters, signal)] as const;
    });
    const answer = buildResponse(plan, new Map(results));
    return kv === null && pairItems > 0 ? { ...answer, keyValueItemsIgnored: { count: pairItems, reason: KV_DISABLED_REASON } } : answer;
  };
}
