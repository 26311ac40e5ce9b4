/**
 * Which backend an execution id is asked of. Qlik Cloud's reload id format is not documented,
 * so it is not guessed: a GUID is a QRS execution session id first (then a Qlik Cloud reload
 * id, when Qlik Cloud is on); any other id of URL-safe characters is asked of Qlik Cloud.
 */
import { QLIK_CLOUD_ID_PATTERN } from '../config/settings.js';
import { BadRequestError } from '../errors.js';
import { isGuid } from '../qrs/filter.js';
import type { BackendName } from './types.js';

const BACKEND_WORDS: Readonly<Record<BackendName, string>> = { 'qlik-sense': 'QRS', 'qlik-cloud': 'Qlik Cloud' };

/** "QRS", "Qlik Cloud" or "QRS or Qlik Cloud": where an id was looked for. */
export function backendWords(backends: readonly BackendName[]): string {
  return backends.map((backend) => BACKEND_WORDS[backend]).join(' or ');
}

const CLOUD_ID_RULE = 'a Qlik Cloud reload id of 1-64 letters, digits, "-", "_", "~" or "."';

/** The backends (of those on) to ask about `id`, in order; a 400 for an id none of them could hold. */
export function backendsToAsk(id: string, on: { readonly qrs: boolean; readonly cloud: boolean }): BackendName[] {
  const asked: BackendName[] = [];
  if (on.qrs && isGuid(id)) asked.push('qlik-sense');
  // A GUID is URL-safe too: Qlik Cloud is asked after QRS.
  if (on.cloud && QLIK_CLOUD_ID_PATTERN.test(id)) asked.push('qlik-cloud');
  if (asked.length > 0) return asked;
  const rule = !on.cloud ? 'a GUID' : on.qrs ? `a GUID (a QRS execution session id) or ${CLOUD_ID_RULE}` : CLOUD_ID_RULE;
  throw new BadRequestError(`executionId must be ${rule} (got ${JSON.stringify(id.slice(0, 60))})`);
}
