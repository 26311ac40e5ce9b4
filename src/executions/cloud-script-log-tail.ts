/**
 * The last lines of a Qlik Cloud reload's script log, for reloads that ended FAILED or
 * EXCEEDED_LIMIT. When the log cannot be read, the reload's own short `log` summary stands in
 * (as Kestra does); when neither can be had, the answer says why. Never fails the caller's request.
 */
import { QlikCloudError } from '../qlikcloud/errors.js';
import type { QlikCloudClient } from '../qlikcloud/types.js';
import { TailLines } from '../qrs/tail-lines.js';
import { LOG_WORTHY_CLOUD_STATUSES } from './cloud-status.js';
import type { CloudReloadSnapshot, ScriptLogTailFields } from './types.js';

function lastLines(text: string, count: number): string[] {
  const tail = new TailLines(count);
  tail.push(text);
  return tail.end();
}

function messageOf(error: unknown): string {
  if (error instanceof QlikCloudError) return error.message;
  throw error;
}

/** `{scriptLogTail}` (lines joined by `\n`), `{scriptLogTailUnavailable: reason}`, or `{}` when none is due. */
export async function readCloudScriptLogTail(
  cloud: Pick<QlikCloudClient, 'readScriptLog' | 'getReload'>,
  snapshot: CloudReloadSnapshot,
  lines: number,
): Promise<ScriptLogTailFields> {
  if (lines <= 0 || !snapshot.final || !LOG_WORTHY_CLOUD_STATUSES.has(snapshot.answer.status)) return {};
  const { appId, reloadId } = snapshot.answer;
  let why: string;
  try {
    const tail = lastLines(await cloud.readScriptLog(appId, reloadId), lines);
    if (tail.length > 0) return { scriptLogTail: tail.join('\n') };
    why = 'the script log is empty';
  } catch (error) {
    why = `the script log could not be read (${messageOf(error)})`;
  }
  // A snapshot from a reload-finished event has no summary: the reload itself has it.
  let summary: string | null;
  try {
    summary = snapshot.log ?? (await cloud.getReload(reloadId))?.log ?? null;
  } catch (error) {
    return { scriptLogTailUnavailable: `${why}, nor the reload's log summary (${messageOf(error)})` };
  }
  const tail = summary === null ? [] : lastLines(summary, lines);
  if (tail.length > 0) return { scriptLogTail: tail.join('\n') };
  return { scriptLogTailUnavailable: `${why}, and the reload has no log summary` };
}
