/**
 * What happens after the starts when a request asked for a wait or a callback: the caller's
 * wait (ended early if the caller goes away) and the callback's own wait (which the caller
 * going away does not end) are both waits on the shared pollers, so they cost no extra QRS
 * or Qlik Cloud calls. Failed reloads then get their script log tails.
 */
import type { CallbackSender } from '../callbacks/sender.js';
import type { ExecutionSnapshot, ScriptLogTailFields } from '../executions/index.js';
import type { StartTaskResponse } from '../starttask/index.js';
import type { BackendPollers, FollowResult } from './backend-pollers.js';
import { withExecutionStates, type WaitedStartTaskResponse } from './report.js';
import { followKey, followTargetOf } from './targets.js';
import type { WaitRequest } from './wait-request.js';

export interface FollowDeps {
  readonly poller: BackendPollers;
  readonly callbacks: CallbackSender;
  /** `{}` unless the snapshot ended in a failure; never throws for the backend's trouble. */
  readonly scriptLogTail: (snapshot: ExecutionSnapshot) => Promise<ScriptLogTailFields>;
}

/** Script log tails of the final executions, by followKey; none when the wait was cut short. */
async function tailsOf(answer: StartTaskResponse, result: FollowResult, deps: FollowDeps): Promise<Map<string, ScriptLogTailFields>> {
  if (result.outcome === 'stopped' || result.outcome === 'cancelled') return new Map();
  const tails = await Promise.all(
    answer.executions.map(async (entry) => {
      const key = followKey(followTargetOf(entry));
      const seen = result.states.get(key);
      if (!seen?.final) return [key, {}] as const;
      // QRS's log file is named after the task, which the start answer knows.
      const snapshot = seen.backend === 'qlik-sense' ? { ...seen, answer: { ...seen.answer, taskName: entry.taskName } } : seen;
      return [key, await deps.scriptLogTail(snapshot)] as const;
    }),
  );
  return new Map(tails);
}

/** The answer the caller gets: with execution states when it asked to wait, else the start answer as is. */
export async function followExecutions(
  answer: StartTaskResponse,
  request: WaitRequest,
  deps: FollowDeps,
  callerGone: AbortSignal,
): Promise<StartTaskResponse | WaitedStartTaskResponse> {
  const targets = answer.executions.map(followTargetOf);
  const timeoutMs = request.timeoutSeconds * 1000;
  const report = async (result: FollowResult) =>
    withExecutionStates(answer, result, request.timeoutSeconds, await tailsOf(answer, result, deps));

  const { callbackUrl } = request;
  if (callbackUrl !== null) {
    void deps.poller
      .wait(targets, { timeoutMs })
      .then(report)
      .then((body) => deps.callbacks.send(callbackUrl, body));
  }
  if (!request.wait) return answer;
  return report(await deps.poller.wait(targets, { timeoutMs, signal: callerGone }));
}
