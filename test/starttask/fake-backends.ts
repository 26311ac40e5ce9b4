/**
 * In-memory backends for the pure start-path tests: they answer a TargetQuery from a list of
 * targets the way QRS (tags and custom properties without regard to case) and Qlik Cloud
 * (collection names exactly) would, and the lookups go through resolve.ts as in run.ts.
 */
import type { FoundTargets, StartTarget, TargetQuery } from '../../src/starttask/backend.js';
import { lookupNeeds, type LookupResults, type StartRequest, type StartTaskFilter } from '../../src/starttask/plan.js';
import { backendQueries, resolveTargets, type BackendAnswer, type BackendChoice } from '../../src/starttask/resolve.js';

const lower = (s: string) => s.toLowerCase();

export function findIn(repository: readonly StartTarget[], query: TargetQuery): FoundTargets {
  const hasTag = (target: StartTarget, tag: string) =>
    target.tags.some((x) => (target.backend === 'qlik-cloud' ? x === tag : lower(x) === lower(tag)));
  return {
    byId: new Map(query.ids.flatMap((id) => repository.filter((t) => lower(t.id) === id).map((t) => [id, t] as const))),
    byTag: query.tags.map((tag) => repository.filter((t) => hasTag(t, tag))),
    byCustomProperty: query.customProperties.map((cp) =>
      repository.filter((t) => t.customProperties.some((x) => lower(x.name) === lower(cp.name) && lower(x.value) === lower(cp.value))),
    ),
  };
}

export interface FakeBackends {
  readonly choice: BackendChoice;
  readonly qrs: readonly StartTarget[];
  readonly qlikCloud: readonly StartTarget[];
  /** Backends that cannot be asked, with the reason they give. */
  readonly down?: { readonly qrs?: string; readonly qlikCloud?: string };
  /** Every query a backend was asked, to check what each side is asked. */
  readonly asked?: { qrs: TargetQuery[]; qlikCloud: TargetQuery[] };
}

/** What run.ts would hand the plan for `request`, with these backends. */
export function lookUpIn(backends: FakeBackends, request: StartRequest, filter: StartTaskFilter): LookupResults {
  const needs = lookupNeeds(request, filter);
  const queries = backendQueries(needs, backends.choice);
  const ask = (which: 'qrs' | 'qlikCloud'): BackendAnswer | null => {
    const query = queries[which];
    if (query === null) return null;
    backends.asked?.[which].push(query);
    const down = backends.down?.[which];
    return down === undefined ? { found: findIn(backends[which], query) } : { unavailable: down };
  };
  return resolveTargets(needs, backends.choice, { qrs: ask('qrs'), qlikCloud: ask('qlikCloud') });
}
