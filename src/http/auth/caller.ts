import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ApiScope, AuthSettings } from '../../config/settings.js';
import { withBindings } from '../logger-adapter.js';
import { createApiKeyVerifier, type ApiKeyVerifier } from './api-key-verifier.js';
import { presentedKey } from './presented-key.js';

/** Who sent a request, as far as authentication could tell. */
export interface Caller {
  /** Name of the API key the request carried; null when auth is off or the key is missing or unknown. */
  readonly keyName: string | null;
  readonly scopes: readonly ApiScope[];
  /** With auth on and no valid key: why, for the 401 message (never the key itself). */
  readonly refusal: string | null;
}

declare module 'fastify' {
  interface FastifyRequest {
    /** Set by the first onRequest hook; null only if a hook before it failed. */
    caller: Caller | null;
  }
}

const ANONYMOUS: Caller = { keyName: null, scopes: [], refusal: null };

/** The caller of a request, anonymous when it was never identified. */
export function callerOf(request: FastifyRequest): Caller {
  return request.caller ?? ANONYMOUS;
}

/** How logs and the audit trail name a caller: its key name, or "anonymous". */
export function callerLabel(caller: Caller): string {
  return caller.keyName ?? 'anonymous';
}

function identify(request: FastifyRequest, verify: ApiKeyVerifier): Caller {
  const presented = presentedKey(request.headers);
  switch (presented.kind) {
    case 'none':
      return {
        ...ANONYMOUS,
        refusal: 'an API key is required: send it as "Authorization: Bearer <key>" or "X-API-Key: <key>"',
      };
    case 'malformed':
      return { ...ANONYMOUS, refusal: presented.reason };
    case 'key': {
      const match = verify(presented.key);
      return match ? { keyName: match.name, scopes: match.scopes, refusal: null } : { ...ANONYMOUS, refusal: 'the API key is not valid' };
    }
  }
}

/**
 * Works out who calls (without refusing anyone: authorizeCallers does that, after the rate
 * limit has counted the attempt) and binds the caller's name to the request's logger, so
 * every log line of the request names it. Must be the first onRequest hook.
 */
export function identifyCallers(app: FastifyInstance, auth: AuthSettings): void {
  const verify = createApiKeyVerifier(auth.apiKeys);
  app.decorateRequest('caller', null);
  app.addHook('onRequest', async (request, reply) => {
    const caller = auth.enable ? identify(request, verify) : ANONYMOUS;
    request.caller = caller;
    request.log = withBindings(request.log, { caller: callerLabel(caller) });
    reply.log = request.log;
  });
}
