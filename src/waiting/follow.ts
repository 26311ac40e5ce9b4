/**
 * What happens after the starts when a request asked for a wait or a callback: the caller's
 * wait (ended early if the caller goes away) and the callback's own wait (which the caller
 * going away does not end) are both waits on the one shared poller, so they cost no extra
 * QRS calls.
 */
import type { CallbackSender } from '../callbacks/sender.js';
import type { StartTaskResponse } from '../starttask/index.js';
import type { ExecutionPoller } from './poller.js';
import { withExecutionStates, type WaitedStartTaskResponse } from './report.js';
import type { WaitRequest } from './wait-request.js';

export interface FollowDeps {
  readonly poller: ExecutionPoller;
  readonly callbacks: CallbackSender;
}

/** The answer the caller gets: with execution states when it asked to wait, else the start answer as is. */
export async function followExecutions(
  answer: StartTaskResponse,
  request: WaitRequest,
  deps: FollowDeps,
  callerGone: AbortSignal,
): Promise<StartTaskResponse | WaitedStartTaskResponse> {
  const ids = answer.executions.map((execution) => execution.executionSessionId);
  const timeoutMs = request.timeoutSeconds * 1000;
  const report = (result: Awaited<ReturnType<ExecutionPoller['wait']>>) =>
    withExecutionStates(answer, result, request.timeoutSeconds);

  const { callbackUrl } = request;
  if (callbackUrl !== null) {
    void deps.poller.wait(ids, { timeoutMs }).then((result) => deps.callbacks.send(callbackUrl, report(result)));
  }
  if (!request.wait) return answer;
  return report(await deps.poller.wait(ids, { timeoutMs, signal: callerGone }));
}
