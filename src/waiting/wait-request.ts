import type { StartTaskSettings } from '../config/settings.js';
import { allowedCallbackUrl } from '../callbacks/allow-list.js';
import { BadRequestError } from '../errors.js';

/** What a start request asked for beyond starting: a wait, a callback, or both. */
export interface WaitRequest {
  /** Answer only once every started task is final or the timeout passed. */
  readonly wait: boolean;
  /** After the cap (Butler.startTask.maxWaitSeconds). */
  readonly timeoutSeconds: number;
  /** Normalised and on the allow-list. */
  readonly callbackUrl: string | null;
}

export interface WaitQuery {
  readonly wait?: boolean;
  readonly timeoutSeconds?: number;
  readonly callbackUrl?: string;
}

/**
 * The query's wait and callback parameters, checked before anything starts; null when the
 * request asked for neither. A timeout above the cap is lowered to it, not refused.
 */
export function parseWaitRequest(
  query: WaitQuery,
  settings: Pick<StartTaskSettings, 'maxWaitSeconds' | 'callback'>,
): WaitRequest | null {
  const wait = query.wait === true;
  const callbackUrl =
    query.callbackUrl === undefined ? null : allowedCallbackUrl(query.callbackUrl, settings.callback.allowedUrlPrefixes);
  if (!wait && callbackUrl === null) {
    if (query.timeoutSeconds !== undefined) throw new BadRequestError('query.timeoutSeconds must come with wait=true or a callbackUrl (got neither)');
    return null;
  }
  const timeoutSeconds = Math.min(query.timeoutSeconds ?? settings.maxWaitSeconds, settings.maxWaitSeconds);
  return { wait, timeoutSeconds, callbackUrl };
}
