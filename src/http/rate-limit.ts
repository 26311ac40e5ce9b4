import type { FastifyInstance, FastifyRequest } from 'fastify';
import rateLimit from '@fastify/rate-limit';
import type { RateLimitSettings } from '../config/settings.js';
import { ServiceError } from '../errors.js';
import type { HitCounter } from '../ratelimit/index.js';
import { callerOf } from './auth/index.js';
import { DOCS_PREFIX } from './swagger.js';

const WINDOW_MS = 60_000;

export class RateLimitedError extends ServiceError {
  constructor(message: string) {
    super('ERR_RATE_LIMITED', 429, message);
  }
}

/** Probes and the documentation (page plus assets) are never limited. */
function isUnlimited(routeUrl: string | undefined): boolean {
  return routeUrl === '/health' || routeUrl === '/ready' || routeUrl === DOCS_PREFIX || (routeUrl?.startsWith(`${DOCS_PREFIX}/`) ?? false);
}

/** One bucket per API key; requests without a valid key share their client address's bucket. */
function bucketOf(request: FastifyRequest): string {
  const { keyName } = callerOf(request);
  return keyName === null ? `ip:${request.ip}` : `key:${keyName}`;
}

/** @fastify/rate-limit's store interface over a HitCounter (memory or Redis). */
function storeOver(counter: HitCounter) {
  return class HitCounterStore {
    incr(key: string, done: (error: Error | null, result?: { current: number; ttl: number }) => void, timeWindow: number): void {
      counter.hit(key, timeWindow).then(
        (hits) => done(null, { current: hits.count, ttl: hits.msLeft }),
        (error: unknown) => done(error instanceof Error ? error : new Error(String(error))),
      );
    }

    child(): HitCounterStore {
      return this;
    }
  };
}

/**
 * Limits requests per minute per caller with @fastify/rate-limit, counted in `counter`.
 * It runs as an onRequest hook after identifyCallers (it needs the key name) and before
 * authorizeCallers, so refused attempts count too: guessing keys is throttled per address.
 * Answers 429 in the service's error shape with Retry-After. maxPerMinute 0: no limit.
 */
export async function limitRequestRate(app: FastifyInstance, settings: RateLimitSettings, counter: HitCounter): Promise<void> {
  if (settings.maxPerMinute === 0) return;
  await app.register(rateLimit, { global: false, store: storeOver(counter) });
  const check = app.createRateLimit({ max: settings.maxPerMinute, timeWindow: WINDOW_MS, keyGenerator: bucketOf });

  app.addHook('onRequest', async (request, reply) => {
    if (isUnlimited(request.routeOptions.url)) return;
    const result = await check(request);
    if (result.isAllowed) return;
    reply.header('x-ratelimit-limit', result.max);
    reply.header('x-ratelimit-remaining', result.remaining);
    reply.header('x-ratelimit-reset', result.ttlInSeconds);
    if (!result.isExceeded) return;
    reply.header('retry-after', result.ttlInSeconds);
    const who = callerOf(request).keyName === null ? 'client address' : 'API key';
    throw new RateLimitedError(
      `too many requests: the limit is ${result.max} per minute per ${who}; retry in ${result.ttlInSeconds} s`,
    );
  });
}
