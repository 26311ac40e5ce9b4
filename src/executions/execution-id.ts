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

/** The backends to ask about `id`, in order; a 400 for an id none of them could hold. */
export function backendsToAsk(id: string, cloudOn: boolean): BackendName[] {
  if (isGuid(id)) return cloudOn ? ['qlik-sense', 'qlik-cloud'] : ['qlik-sense'];
  if (cloudOn && QLIK_CLOUD_ID_PATTERN.test(id)) return ['qlik-cloud'];
  const got = JSON.stringify(id.slice(0, 60));
  throw new BadRequestError(
    cloudOn
      ? `executionId must be a GUID (a QRS execution session id) or a Qlik Cloud reload id of 1-64 letters, digits, "-", "_", "~" or "." (got ${got})`
      : `executionId must be a GUID (got ${got})`,
  );
}
