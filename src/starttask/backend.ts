/**
 * What the start path needs of a place reloads run (client-managed Qlik Sense through QRS,
 * or Qlik Cloud): find what a request names, and start one of them. The plan (plan.ts) sees
 * only the targets these answer, tagged with their backend, and learns nothing of either API.
 */
import type { NameValue } from '../config/settings.js';
import type { StartOutcome } from './lost-start.js';

export type BackendName = 'qlik-sense' | 'qlik-cloud';

/** Something a request can start: a QRS reload task, or a Qlik Cloud app (reloaded by its id). */
export interface StartTarget {
  readonly backend: BackendName;
  /** The QRS task id or the Qlik Cloud app id, as the backend spells it. */
  readonly id: string;
  readonly name: string;
  readonly enabled: boolean;
  /** QRS tags, or the names of the public collections a Qlik Cloud app is in. */
  readonly tags: readonly string[];
  /** QRS custom property values; none on Qlik Cloud. */
  readonly customProperties: readonly NameValue[];
}

/** Everything one request asks one backend. */
export interface TargetQuery {
  /** Lower-cased GUIDs. */
  readonly ids: readonly string[];
  readonly tags: readonly string[];
  readonly customProperties: readonly NameValue[];
}

export interface FoundTargets {
  /** By the ids as asked; ids the backend does not know are absent. */
  readonly byId: ReadonlyMap<string, StartTarget>;
  /** `byTag[i]`: the targets carrying `tags[i]`. */
  readonly byTag: readonly (readonly StartTarget[])[];
  /** `byCustomProperty[i]`: the targets with that custom property value. */
  readonly byCustomProperty: readonly (readonly StartTarget[])[];
}

/** What a request asks of every Qlik Cloud reload it starts; QRS tasks take neither. */
export interface StartParameters {
  readonly partial: boolean;
  readonly variables: Readonly<Record<string, string>>;
}

export interface StartBackend {
  readonly name: BackendName;
  /**
   * Every target of the query, in batched calls. Throws the backend's typed errors when it
   * cannot be asked, and RequestCancelledError once `signal` is aborted.
   */
  find(query: TargetQuery, signal?: AbortSignal): Promise<FoundTargets>;
  /** Whether an error `find` threw means the backend could not be asked (an outage, not a bad request). */
  isUnavailable(error: unknown): error is Error;
  /**
   * Starts `target` once and says what became of it; a lost answer is resolved by asking the
   * backend (lost-start.ts), never by starting again. Never throws for the backend's trouble.
   */
  start(target: StartTarget, parameters: StartParameters, signal?: AbortSignal): Promise<StartOutcome>;
}
