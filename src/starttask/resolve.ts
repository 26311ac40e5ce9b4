/**
 * Which backend is asked what, and what a request's ids, tags and custom properties come to
 * from their answers. Pure: run.ts asks the backends, concurrently, in between.
 *
 * An id resolves through Butler.qlikCloud.taskMap first (a task that moved: its Qlik Cloud app,
 * and nothing else), then to a QRS task, then to a Qlik Cloud app by its id. Task ids and app
 * ids are GUIDs made independently, so both backends are asked at once and an app found while
 * QRS could not be asked is started: it cannot also be a QRS task. An id found on neither side
 * while one side could not be asked is unresolved, never invalid: it may exist there.
 */
import type { NameValue } from '../config/settings.js';
import { BadRequestError } from '../errors.js';
import type { BackendName, FoundTargets, StartTarget, TargetQuery } from './backend.js';
import { taskKey, type BackendUnavailable, type IdResolution, type LookupNeeds, type LookupResults, type StartRequest } from './plan.js';

/** Which backends are on, and the tasks that moved. */
export interface BackendChoice {
  readonly qrs: boolean;
  readonly qlikCloud: boolean;
  /** Butler.qlikCloud.taskMap: by taskKey of the QRS task id, the Qlik Cloud app id. Ignored while Qlik Cloud is off. */
  readonly taskMap: ReadonlyMap<string, string>;
}

export type BackendLookup<T> = { readonly [B in 'qrs' | 'qlikCloud']: T };

/** What one backend answered: its targets, or why it could not be asked. */
export type BackendAnswer = { readonly found: FoundTargets } | { readonly unavailable: string };

const BACKEND_NAMES: BackendLookup<BackendName> = { qrs: 'qlik-sense', qlikCloud: 'qlik-cloud' };
const BACKEND_WORDS: BackendLookup<string> = { qrs: 'QRS', qlikCloud: 'Qlik Cloud' };
const ORDER = ['qrs', 'qlikCloud'] as const;

/**
 * Refuses, before anything is looked up, items no backend that is on can serve: custom
 * properties exist only on client-managed Qlik Sense.
 */
export function refuseItemsWithoutBackend(request: StartRequest, choice: BackendChoice): void {
  if (choice.qrs) return;
  const index = request.items.findIndex((item) => item.type === 'starttaskcustomproperty');
  if (index === -1) return;
  throw new BadRequestError(
    `body[${index}] must not be a starttaskcustomproperty item while Butler.configQRS.enable is false: ` +
      'custom properties exist only on client-managed Qlik Sense, Qlik Cloud has none (got one)',
  );
}

function appIdOf(choice: BackendChoice, taskId: string): string | undefined {
  if (!choice.qlikCloud) return undefined;
  const appId = choice.taskMap.get(taskId);
  return appId === undefined ? undefined : taskKey(appId);
}

function queryOrNull(query: TargetQuery): TargetQuery | null {
  return query.ids.length + query.tags.length + query.customProperties.length === 0 ? null : query;
}

/** What to ask each backend; null when it is off or has nothing to answer (it is then not asked). */
export function backendQueries(needs: LookupNeeds, choice: BackendChoice): BackendLookup<TargetQuery | null> {
  const mappedApps = needs.taskIds.flatMap((id) => appIdOf(choice, id) ?? []);
  const unmapped = needs.taskIds.filter((id) => appIdOf(choice, id) === undefined);
  const tags = [...needs.tags.values()];
  const customProperties: NameValue[] = [...needs.customProperties.values()];
  return {
    qrs: choice.qrs ? queryOrNull({ ids: unmapped, tags, customProperties }) : null,
    qlikCloud: choice.qlikCloud ? queryOrNull({ ids: [...new Set([...mappedApps, ...unmapped])], tags, customProperties: [] }) : null,
  };
}

function unresolved(backend: 'qrs' | 'qlikCloud', reason: string): IdResolution {
  return { kind: 'unresolved', backend: BACKEND_NAMES[backend], reason };
}

/** A task id Butler.qlikCloud.taskMap maps: its app, and nowhere else. */
function resolveMapped(appId: string, answer: BackendAnswer | null): IdResolution {
  const where = `Butler.qlikCloud.taskMap maps it to Qlik Cloud app ${appId}`;
  if (answer === null) throw new Error(`Qlik Cloud was not asked for app ${appId}`);
  if ('unavailable' in answer) return unresolved('qlikCloud', `${where}; Qlik Cloud could not be asked: ${answer.unavailable}`);
  const app = answer.found.byId.get(appId);
  if (app !== undefined) return { kind: 'found', target: app };
  return unresolved('qlikCloud', `${where}, which Qlik Cloud does not show (does the app exist, and may the API key's user see it?)`);
}

/** An id in resolution order; undefined when every backend asked answered and none knows it. */
function resolveId(id: string, answers: BackendLookup<BackendAnswer | null>): IdResolution | undefined {
  let firstUnavailable: IdResolution | undefined;
  for (const backend of ORDER) {
    const answer = answers[backend];
    if (answer === null) continue;
    if ('found' in answer) {
      const target = answer.found.byId.get(id);
      if (target !== undefined) return { kind: 'found', target };
    } else {
      firstUnavailable ??= unresolved(backend, `${BACKEND_WORDS[backend]} could not be asked whether it knows this id: ${answer.unavailable}`);
    }
  }
  return firstUnavailable;
}

/** Targets of the i-th tag (or custom property) across the backends that answered, QRS's first. */
function targetsAt(
  answers: BackendLookup<BackendAnswer | null>,
  index: number,
  pick: (found: FoundTargets) => readonly (readonly StartTarget[])[],
): StartTarget[] {
  return ORDER.flatMap((backend) => {
    const answer = answers[backend];
    return answer !== null && 'found' in answer ? (pick(answer.found)[index] ?? []) : [];
  });
}

/**
 * The plan's view of the answers to `backendQueries(needs, choice)`: every id by taskKey,
 * every tag and custom property of `needs`, and which backends could not be asked.
 */
export function resolveTargets(
  needs: LookupNeeds,
  choice: BackendChoice,
  answers: BackendLookup<BackendAnswer | null>,
): LookupResults {
  const targetsById = new Map<string, IdResolution>();
  for (const id of needs.taskIds) {
    const appId = appIdOf(choice, id);
    const resolution = appId === undefined ? resolveId(id, answers) : resolveMapped(appId, answers.qlikCloud);
    if (resolution !== undefined) targetsById.set(id, resolution);
  }
  const tagKeys = [...needs.tags.keys()];
  const customPropertyKeys = [...needs.customProperties.keys()];
  const unavailable: BackendUnavailable[] = ORDER.flatMap((backend) => {
    const answer = answers[backend];
    return answer !== null && 'unavailable' in answer ? [{ backend: BACKEND_NAMES[backend], reason: answer.unavailable }] : [];
  });
  return {
    targetsById,
    targetsByTag: new Map(tagKeys.map((key, i) => [key, targetsAt(answers, i, (found) => found.byTag)])),
    targetsByCustomProperty: new Map(customPropertyKeys.map((key, i) => [key, targetsAt(answers, i, (found) => found.byCustomProperty)])),
    unavailable,
  };
}
