/** What a wait follows: a QRS execution session or a Qlik Cloud reload, by its backend's id. */
import type { BackendName } from '../executions/index.js';
import type { ExecutionEntry } from '../starttask/index.js';

export interface FollowTarget {
  readonly backend: BackendName;
  /** The QRS execution session id, or the Qlik Cloud reload id. */
  readonly id: string;
}

/**
 * A start answer's execution entry as its backend names it (a Qlik Cloud entry's
 * executionSessionId is its reload id). An answer stored before entries named their backend
 * (an Idempotency-Key replay after an upgrade) has QRS entries only.
 */
export function followTargetOf(entry: ExecutionEntry): FollowTarget {
  return { backend: entry.backend === 'qlik-cloud' ? 'qlik-cloud' : 'qlik-sense', id: entry.executionSessionId };
}

/** One key per target: QRS's GUIDs compare lower-cased, Qlik Cloud's ids as they are. */
export function followKey(target: FollowTarget): string {
  return `${target.backend}:${target.backend === 'qlik-sense' ? target.id.toLowerCase() : target.id}`;
}
