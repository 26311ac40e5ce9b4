import { abortable } from './abortable.js';
import type { AccessToken } from './answers.js';
import type { CloudClock } from './clock.js';

/** The bearer token every call sends. */
export interface BearerTokens {
  /** The token to send now; rejects with the signal's reason once it is aborted. */
  current(signal: AbortSignal): Promise<string>;
  /**
   * The tenant answered 401 to `token`: true when a call sent again with `current()` may
   * succeed (an OAuth token is then fetched anew), false when nothing would change (an API key).
   */
  refused(token: string): boolean;
}

/** Renew an OAuth token when this share of its lifetime has passed, not when it has run out. */
const RENEW_AT_SHARE = 0.9;

/** An API key is sent as it is; a 401 means it is wrong, expired or revoked. */
export function apiKeyTokens(apiKey: string): BearerTokens {
  return { current: async () => apiKey, refused: () => false };
}

/**
 * An OAuth token is fetched on first use, shared by every call, and fetched again once 90% of
 * its lifetime has passed or after a 401; callers asking while one fetch runs wait for that
 * fetch (which runs to its end even if they give up).
 */
export function createOAuthTokens(fetchToken: () => Promise<AccessToken>, clock: CloudClock): BearerTokens {
  let cached: { token: string; renewAt: number } | undefined;
  let fetching: Promise<string> | undefined;

  function fetchShared(): Promise<string> {
    fetching ??= fetchToken()
      .then(({ token, expiresInMs }) => {
        cached = { token, renewAt: clock.now() + expiresInMs * RENEW_AT_SHARE };
        return token;
      })
      .finally(() => {
        fetching = undefined;
      });
    return fetching;
  }

  return {
    current(signal) {
      if (cached !== undefined && clock.now() < cached.renewAt) return Promise.resolve(cached.token);
      return abortable(fetchShared(), signal);
    },
    refused(token) {
      // Only the token that was refused is dropped: a newer one may already be in use.
      if (cached?.token === token) cached = undefined;
      return true;
    },
  };
}
