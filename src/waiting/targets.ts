/** What a wait follows: a QRS execution session or a Qlik Cloud reload, by its backend's id. */
import type { BackendName } from '../executions/index.js';
import type { ExecutionEntry } from '../starttask/index.js';

export interface FollowTarget {
  readonly backend: BackendName;
  /** The QRS execution session id, or the Qlik Cloud reload id. */
  readonly id: string;
}

/** A start answer's execution entry, as the backend that started it names it. */
type StartedEntry = ExecutionEntry & { readonly backend?: BackendName; readonly reloadId?: string };

export function targetOf(entry: StartedEntry): FollowTarget {
  if (entry.backend === 'qlik-cloud' && entry.reloadId !== undefined) return { backend: 'qlik-cloud', id: entry.reloadId };
  return { backend: 'qlik-sense', id: entry.executionSessionId };
}

/** One key per target: QRS's GUIDs compare lower-cased, Qlik Cloud's ids as they are. */
export function followKey(target: FollowTarget): string {
  return `${target.backend}:${target.backend === 'qlik-sense' ? target.id.toLowerCase() : target.id}`;
}
