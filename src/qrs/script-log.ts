/**
 * Script logs of reloads, in QRS's two steps: a download reference, then the download.
 * Newer QRS (May 2025 on) answers `reloadtask/{id}/scriptlogfile?executionResultId=`, older
 * QRS `reloadtask/{id}/scriptlog?fileReferenceId=`; both answer `{"value": <reference>}`.
 */
import { parseValueAnswer } from './answers.js';
import { isGuid } from './filter.js';
import { tailOf } from './tail-lines.js';
import { parseJsonBody, UnexpectedAnswerError, unexpectedStatus, type QrsAnswer, type QrsTransport } from './transport.js';

const EMPTY_GUID = '00000000-0000-0000-0000-000000000000';

/**
 * QRS documents the reference as a UUID, but it is only ever put into a path: any id of
 * URL-safe characters (RFC 3986 unreserved) will do, short enough for a URL. `.` and `..`
 * would be path steps, not an id.
 */
const URL_SAFE_REFERENCE = /^[A-Za-z0-9._~-]{1,256}$/;

function isDownloadReference(value: string): boolean {
  return URL_SAFE_REFERENCE.test(value) && value !== '.' && value !== '..';
}

/**
 * What a reference request can tell. `reference`: an id of URL-safe characters (a GUID in
 * practice); `notReady`: the empty GUID QRS answers just after a reload ends.
 */
export type ScriptLogReference =
  | { readonly kind: 'reference'; readonly reference: string }
  | { readonly kind: 'notReady' }
  | { readonly kind: 'notFound' };

/** Which execution's log: the result id serves newer QRS, the file reference older QRS. */
export interface ScriptLogSource {
  readonly taskId: string;
  readonly executionResultId: string;
  /** null when QRS has not set one (yet). */
  readonly fileReferenceId: string | null;
}

export interface QrsScriptLogs {
  /** Asks for a download reference, newer API first, older one when QRS lacks it (404). */
  getScriptLogReference(source: ScriptLogSource): Promise<ScriptLogReference>;
  /** Downloads the log of `reference` (once: never retried) and returns its last `lines` lines, streaming. */
  downloadScriptLogTail(reference: string, fileName: string, lines: number): Promise<string[]>;
}

function referenceAnswer(answer: QrsAnswer): ScriptLogReference {
  if (answer.status === 404) return { kind: 'notFound' };
  if (answer.status !== 200) throw unexpectedStatus(answer);
  // Kept as QRS wrote it: only a GUID is known to ignore case.
  const value = parseValueAnswer(parseJsonBody(answer), 'script log reference answer');
  if (value === EMPTY_GUID) return { kind: 'notReady' };
  if (!isDownloadReference(value)) {
    throw new UnexpectedAnswerError('script log reference is not 1 to 256 URL-safe characters (A-Z a-z 0-9 - . _ ~)');
  }
  return { kind: 'reference', reference: value };
}

/** `<name>.log`, as the QMC names a downloaded log, with only URL-safe characters. */
function downloadFileName(name: string): string {
  const safe = name.replace(/[^A-Za-z0-9 _.-]/g, '_').trim();
  return encodeURIComponent(`${safe === '' ? 'scriptlog' : safe}.log`);
}

export function createScriptLogs(transport: QrsTransport, options: { downloadTimeoutMs: number }): QrsScriptLogs {
  /** Which API this QRS answered last: older QRS needs a 404 once, not on every log. */
  let newerApi = true;

  async function byResultId(source: ScriptLogSource): Promise<ScriptLogReference> {
    return transport.call({
      method: 'GET',
      path: `/reloadtask/${source.taskId}/scriptlogfile`,
      query: { executionResultId: source.executionResultId },
      interpret: referenceAnswer,
    });
  }

  async function byFileReference(source: ScriptLogSource): Promise<ScriptLogReference> {
    if (source.fileReferenceId === null) return { kind: 'notReady' };
    return transport.call({
      method: 'GET',
      path: `/reloadtask/${source.taskId}/scriptlog`,
      query: { fileReferenceId: source.fileReferenceId },
      interpret: referenceAnswer,
    });
  }

  return {
    async getScriptLogReference(source) {
      if (!isGuid(source.taskId) || !isGuid(source.executionResultId)) return { kind: 'notFound' };
      const [first, second] = newerApi ? [byResultId, byFileReference] : [byFileReference, byResultId];
      const answer = await first(source);
      if (answer.kind !== 'notFound') return answer;
      const other = await second(source);
      if (other.kind !== 'notFound') newerApi = !newerApi;
      return other;
    },

    downloadScriptLogTail(reference, fileName, lines) {
      if (!isDownloadReference(reference)) throw new TypeError(`Not a download reference: ${JSON.stringify(reference)}`);
      return transport.stream({
        path: `/download/reloadtask/${encodeURIComponent(reference)}/${downloadFileName(fileName)}`,
        consume: (body) => tailOf(body, lines),
        timeoutMs: options.downloadTimeoutMs,
      });
    },
  };
}
