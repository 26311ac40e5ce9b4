/**
 * What happens after the starts when a request asked for a wait or a callback: the caller's
 * wait (ended early if the caller goes away) and the callback's own wait (which the caller
 * going away does not end) are both waits on the one shared poller, so they cost no extra
 * QRS calls. Failed reloads then get their script log tails.
 */
import type { CallbackSender } from '../callbacks/sender.js';
import type { ExecutionSnapshot, ScriptLogTailFields } from '../executions/index.js';
import type { StartTaskResponse } from '../starttask/index.js';
import type { ExecutionPoller, WaitResult } from './poller.js';
import { isFollowed, withExecutionStates, type WaitedStartTaskResponse } from './report.js';
import type { WaitRequest } from './wait-request.js';

export interface FollowDeps {
  readonly poller: ExecutionPoller;
  readonly callbacks: CallbackSender;
  /** `{}` unless the snapshot ended FinishedFail, Error or Aborted; never throws for QRS trouble. */
  readonly scriptLogTail: (snapshot: ExecutionSnapshot) => Promise<ScriptLogTailFields>;
}

/** Script log tails of the final executions, by lower-cased id; none when the wait was cut short. */
async function tailsOf(answer: StartTaskResponse, result: WaitResult, deps: FollowDeps): Promise<Map<string, ScriptLogTailFields>> {
  if (result.outcome === 'stopped' || result.outcome === 'cancelled') return new Map();
  const tails = await Promise.all(
    answer.executions.map(async (entry) => {
      const id = entry.executionSessionId.toLowerCase();
      const seen = result.states.get(id);
      if (!seen?.final) return [id, {}] as const;
      // The log's file name is the task's name, which the start answer knows.
      const snapshot = { ...seen, answer: { ...seen.answer, taskName: entry.taskName } };
      return [id, await deps.scriptLogTail(snapshot)] as const;
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
  const ids = answer.executions.filter(isFollowed).map((execution) => execution.executionSessionId);
  const timeoutMs = request.timeoutSeconds * 1000;
  const report = async (result: WaitResult) =>
    withExecutionStates(answer, result, request.timeoutSeconds, await tailsOf(answer, result, deps));

  const { callbackUrl } = request;
  if (callbackUrl !== null) {
    void deps.poller
      .wait(ids, { timeoutMs })
      .then(report)
      .then((body) => deps.callbacks.send(callbackUrl, body));
  }
  if (!request.wait) return answer;
  return report(await deps.poller.wait(ids, { timeoutMs, signal: callerGone }));
}
