/**
 * The last lines of a reload's script log, for executions that did not succeed. A log that
 * cannot be had leaves `scriptLogTail` out and says why; it never fails the caller's request.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { QrsError } from '../qrs/errors.js';
import type { QrsClient } from '../qrs/types.js';
import { LOG_WORTHY_STATUSES } from './status.js';
import type { QrsExecutionSnapshot, ScriptLogTailFields } from './types.js';

/**
 * Waits between asks while QRS answers the empty GUID as reference, which it does for a
 * moment after a reload ends: 0.25 + 0.5 + 1 + 2 s, then it gives up.
 */
export const REFERENCE_RETRY_DELAYS_MS: readonly number[] = [250, 500, 1_000, 2_000];

export interface ScriptLogTailOptions {
  /** Butler.startTask.scriptLogTailLines; 0 turns tails off. */
  readonly lines: number;
  readonly retryDelaysMs?: readonly number[];
}

/** Whether `snapshot` should carry a script log tail at all. */
export function wantsScriptLogTail(snapshot: QrsExecutionSnapshot, lines: number): boolean {
  return lines > 0 && snapshot.final && LOG_WORTHY_STATUSES.has(snapshot.answer.status);
}

/**
 * `{scriptLogTail}` (lines joined by `\n`) for a FinishedFail, Error or Aborted execution,
 * `{scriptLogTailUnavailable: reason}` when QRS could not give it, `{}` when none is due.
 */
export async function readScriptLogTail(
  qrs: Pick<QrsClient, 'getScriptLogReference' | 'downloadScriptLogTail'>,
  snapshot: QrsExecutionSnapshot,
  options: ScriptLogTailOptions,
): Promise<ScriptLogTailFields> {
  if (!wantsScriptLogTail(snapshot, options.lines)) return {};
  const { answer, result } = snapshot;
  if (result === null) return { scriptLogTailUnavailable: 'QRS has no execution result to read the log from' };
  const source = { taskId: answer.taskId, executionResultId: result.id, fileReferenceId: result.fileReferenceId };
  const delays = options.retryDelaysMs ?? REFERENCE_RETRY_DELAYS_MS;
  try {
    for (let attempt = 0; ; attempt += 1) {
      const reference = await qrs.getScriptLogReference(source);
      if (reference.kind === 'notFound') return { scriptLogTailUnavailable: 'QRS has no script log for this execution' };
      if (reference.kind === 'reference') {
        const lines = await qrs.downloadScriptLogTail(reference.reference, answer.taskName ?? answer.taskId, options.lines);
        return { scriptLogTail: lines.join('\n') };
      }
      const delay = delays[attempt];
      if (delay === undefined) {
        return { scriptLogTailUnavailable: 'QRS did not have the script log ready yet (empty file reference); ask again shortly' };
      }
      await sleep(delay);
    }
  } catch (error) {
    if (!(error instanceof QrsError)) throw error;
    return { scriptLogTailUnavailable: `Script log could not be read: ${error.message}` };
  }
}
