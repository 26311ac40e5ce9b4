import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import { errorResponse, jsonResponse, parseJsonObject, type Caller, type CloudResponse } from './http.js';
import { API_KEY_USER_ID, OAUTH_CLIENT_USER_ID } from './tenant.js';

export interface Credentials {
  apiKey: string;
  clientId: string;
  clientSecret: string;
}

export type AuthResult = { ok: true; caller: Caller } | { ok: false; response: CloudResponse };

export interface TokenAuthority {
  /** `POST /oauth/token` with a JSON client-credentials body. */
  grant(body: Buffer, lifetimeMs: number): CloudResponse;
  /** Checks `Authorization: Bearer <token>` against the API key and the live OAuth tokens. */
  check(headers: IncomingHttpHeaders): AuthResult;
  /** Makes every OAuth token granted so far expired (the API key is unaffected). */
  expireAll(): void;
}

const API_KEY_CALLER: Caller = { userId: API_KEY_USER_ID, isAdmin: false };
const OAUTH_CALLER: Caller = { userId: OAUTH_CLIENT_USER_ID, isAdmin: true };

function unauthorized(detail: string): AuthResult {
  // Qlik's exact 401 code and title are not documented; the body shape is [INF].
  return { ok: false, response: errorResponse(401, 'HTTP-401', 'Unauthorized', detail) };
}

/** An OAuth error answer as RFC 6749 §5.2 shapes it (Qlik's own is not documented [INF]). */
function oauthError(status: number, error: string, description: string): CloudResponse {
  return jsonResponse(status, { error, error_description: description });
}

function sameText(a: string, b: string): boolean {
  const [x, y] = [Buffer.from(a), Buffer.from(b)];
  return x.length === y.length && timingSafeEqual(x, y);
}

/**
 * Who may call: the configured API key (acting as its user, not a tenant admin [DOC]), and
 * access tokens from the OAuth client-credentials grant (tenant admins [DOC]) until they expire.
 */
export function createTokenAuthority(credentials: Credentials, now: () => number, onGrant: () => void): TokenAuthority {
  const expiries = new Map<string, number>();
  return {
    grant(body, lifetimeMs) {
      const request = parseJsonObject(body);
      if (request === null) return oauthError(400, 'invalid_request', 'the body must be a JSON object');
      const { client_id: clientId, client_secret: clientSecret, grant_type: grantType } = request;
      if (grantType !== 'client_credentials') return oauthError(400, 'unsupported_grant_type', 'grant_type must be client_credentials');
      if (typeof clientId !== 'string' || typeof clientSecret !== 'string') {
        return oauthError(400, 'invalid_request', 'client_id and client_secret must be strings');
      }
      if (!sameText(clientId, credentials.clientId) || !sameText(clientSecret, credentials.clientSecret)) {
        return oauthError(401, 'invalid_client', 'unknown client or wrong secret');
      }
      const token = randomBytes(32).toString('base64url');
      expiries.set(token, now() + lifetimeMs);
      onGrant();
      return jsonResponse(200, { access_token: token, token_type: 'bearer', expires_in: Math.floor(lifetimeMs / 1000) });
    },
    check(headers) {
      const match = /^Bearer\s+(\S+)\s*$/i.exec(headers.authorization ?? '');
      const token = match?.[1];
      if (token === undefined) return unauthorized('an Authorization: Bearer <token> header is required');
      if (sameText(token, credentials.apiKey)) return { ok: true, caller: API_KEY_CALLER };
      const expiresAt = expiries.get(token);
      if (expiresAt === undefined) return unauthorized('the token is not valid');
      if (now() >= expiresAt) {
        expiries.delete(token);
        return unauthorized('the token has expired');
      }
      return { ok: true, caller: OAUTH_CALLER };
    },
    expireAll() {
      const at = now();
      for (const token of expiries.keys()) expiries.set(token, at);
    },
  };
}
