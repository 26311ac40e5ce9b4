/**
 * Which execution, if any, a start whose answer was lost created: a pure decision over what
 * the backend listed afterwards (lost-start.ts does the asking). Times are epoch ms; the
 * backend's times are on its clock, ours on ours, and `allowanceMs` is how far apart the two
 * may be. QRS's words are used throughout; a Qlik Cloud reload is an execution of its app.
 *
 * The window of a lost start runs from its request minus the allowance to the moment its
 * answer was found lost plus the allowance: the backend handled the start, if at all, in between.
 */

/** One execution of the task (reload of the app) that the backend listed after the answer was lost. */
export interface Candidate {
  /** Its execution session id (Qlik Cloud: reload id). */
  readonly sessionId: string;
  /**
   * When it first began (QRS: the earliest start among its results; Qlik Cloud: when the
   * reload was created); null when QRS shows it has not begun yet (queued or triggered:
   * start time 1753-01-01).
   */
  readonly began: number | null;
}

export interface LostStart {
  /** When the start was sent. */
  readonly requestedAt: number;
  /** When its answer was found lost. */
  readonly lostAt: number;
  readonly allowanceMs: number;
  /** Executions of the task QRS listed since `requestedAt - allowanceMs`, running or not. */
  readonly candidates: readonly Candidate[];
  /** True for a session this process already handed to another request. */
  readonly isClaimed: (sessionId: string) => boolean;
  /** Other starts of the same task by this process still waiting for their outcome. */
  readonly otherStartsOfTask: number;
  /** What the backend calls a run and the thing it runs, for the reasons; QRS's words if absent. */
  readonly words?: RunNouns;
}

export interface RunNouns {
  /** "execution" (QRS) or "reload" (Qlik Cloud). */
  readonly run: string;
  /** "task" (QRS) or "app" (Qlik Cloud). */
  readonly target: string;
}

const QRS_NOUNS: RunNouns = { run: 'execution', target: 'task' };

export type Attribution =
  /** Exactly one execution can be this start's, and it began within the window. */
  | { readonly kind: 'ours'; readonly sessionId: string }
  /** No execution can be this start's; `claimed` lists those that belong to other requests. */
  | { readonly kind: 'none'; readonly claimed: readonly string[] }
  /** One or more executions may be this start's, and which (if any) cannot be told. */
  | { readonly kind: 'unsure'; readonly reason: string };

function describe(candidate: Candidate): string {
  const began = candidate.began === null ? 'not begun yet' : `began ${new Date(candidate.began).toISOString()}`;
  return `${candidate.sessionId} (${began})`;
}

/**
 * Never credits an execution another request of this process holds, nor one that began
 * before the request beyond the allowance. Credits the one remaining candidate only when it
 * began by the end of the window and no other start of the task by this process is waiting
 * for its outcome (that start may be the one that made it); otherwise the outcome is unsure.
 *
 * A candidate that has not begun yet counts as beginning within the window: not having begun,
 * it cannot have begun before the request, and QRS listed it just after the answer was found
 * lost. (A run QRS queued before the request and still holds back looks the same: that is the
 * price of seeing a start of ours that QRS queued.)
 */
export function attributeLostStart(lost: LostStart): Attribution {
  const windowStart = lost.requestedAt - lost.allowanceMs;
  const windowEnd = lost.lostAt + lost.allowanceMs;
  const claimed = lost.candidates.filter((c) => lost.isClaimed(c.sessionId)).map((c) => c.sessionId);
  const possible = lost.candidates.filter(
    (c) => !lost.isClaimed(c.sessionId) && (c.began === null || c.began >= windowStart),
  );
  if (possible.length === 0) return { kind: 'none', claimed };

  const { run, target } = lost.words ?? QRS_NOUNS;
  const listed = possible.map(describe).join(', ');
  const only = possible.length === 1 ? possible[0] : undefined;
  if (only === undefined) {
    return { kind: 'unsure', reason: `${possible.length} ${run}s of the ${target} began since the request: ${listed}` };
  }
  if (only.began !== null && only.began > windowEnd) {
    return { kind: 'unsure', reason: `the only ${run} of the ${target} since the request began after its answer was lost: ${listed}` };
  }
  if (lost.otherStartsOfTask > 0) {
    return {
      kind: 'unsure',
      reason: `another start of the ${target} by this service is still waiting for its answer, either may have made ${listed}`,
    };
  }
  return { kind: 'ours', sessionId: only.sessionId };
}
