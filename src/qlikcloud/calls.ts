/**
 * How every call to Qlik Cloud is made: paced (maxRequestsPerMinute, Retry-After holds),
 * authenticated (one new token and one more try after a 401), sent again after a rate-limit
 * 429 within a bound, cancelled with its request, and logged once when it fails. Nothing
 * else is ever sent twice: a reload start whose answer is lost must not start a second reload.
 */
import { setMaxListeners } from 'node:events';
import type { Logger } from 'winston';
import { callSignal } from '../call-signal.js';
import { qlikCloudOperationOf, statusClassOf, type QlikCloudCallMetrics } from '../metrics/index.js';
import { RequestCancelledError } from '../errors.js';
import { describeAnswer, errorBodyOf, excerptOf, UnexpectedAnswerError } from './answers.js';
import { QlikCloudError, QlikCloudResponseError, QlikCloudUnavailableError, type CloudCallContext } from './errors.js';
import type { RequestPacer } from './pacer.js';
import type { BearerTokens } from './tokens.js';
import type { CloudAnswer, CloudTransport } from './transport.js';

/** `POST /api/v1/reloads` refused because the app has a reload pending: a 429 that waiting does not cure. */
export const RELOAD_PENDING_CODE = 'RELOADS-007';
/** A rate-limited call is sent again at most this often... */
export const MAX_RATE_LIMIT_RETRIES = 3;
/** ...and only while the Retry-After waits it was given add up to at most this. */
export const MAX_RATE_LIMIT_WAIT_MS = 60_000;
/** Retry-After is documented on every rate-limit 429; without one, wait this long. */
const DEFAULT_RETRY_AFTER_MS = 2_000;

export interface CloudCall<T> {
  readonly method: 'GET' | 'POST';
  /** A path under the tenant, or a paging link already checked to be on it. */
  readonly target: string;
  readonly query?: Readonly<Record<string, string>>;
  readonly body?: unknown;
  /**
   * The request the call serves: once aborted, the call is not sent (nor sent again), and a
   * GET in flight is abandoned. A POST in flight is left to finish: it may have started a reload.
   */
  readonly signal?: AbortSignal;
  /** The OAuth token request: sent without a bearer token, and a 401 means wrong client credentials. */
  readonly anonymous?: boolean;
  /**
   * Turns an answer into the result; throws UnexpectedAnswerError for one it cannot use. Never
   * sees a 401, a rate-limit 429 or a 5xx.
   */
  readonly interpret: (answer: CloudAnswer) => T;
}

export interface CloudCalls {
  call<T>(call: CloudCall<T>): Promise<T>;
  /** Aborts every call in flight and every wait; later calls fail with "client is closed". */
  close(): void;
}

export interface CloudCallsDeps {
  readonly transport: CloudTransport;
  readonly pacer: RequestPacer;
  readonly tokens: () => BearerTokens;
  readonly logger: Logger;
  /** Counts and times every request sent (stg_qlik_cloud_*); absent: nothing is recorded. */
  readonly metrics?: QlikCloudCallMetrics;
}

/** Retry-After in seconds or as an HTTP date, in ms from now. */
export function retryAfterMs(header: string | undefined, now: number = Date.now()): number {
  if (header === undefined) return DEFAULT_RETRY_AFTER_MS;
  if (/^\d+$/.test(header.trim())) return Number(header.trim()) * 1000;
  const date = Date.parse(header);
  return Number.isNaN(date) ? DEFAULT_RETRY_AFTER_MS : Math.max(0, date - now);
}

function endpointOf(target: string): string {
  return target.startsWith('/') ? target : new URL(target).pathname;
}

export function createCloudCalls({ transport, pacer, tokens, logger, metrics }: CloudCallsDeps): CloudCalls {
  const closing = new AbortController();
  // Every call in flight listens on this one signal; dozens at once are normal, not a leak.
  setMaxListeners(0, closing.signal);

  function answered(context: CloudCallContext, answer: CloudAnswer): CloudCallContext {
    const { code } = errorBodyOf(answer);
    return {
      ...context,
      status: answer.status,
      ...(code === undefined ? {} : { errorCode: code }),
      // Only error answers: a 2xx body may hold a token.
      ...(answer.status >= 300 ? { bodyExcerpt: excerptOf(answer) } : {}),
    };
  }

  function logFailure(error: QlikCloudError): void {
    // A 4xx is the tenant refusing one call; anything else means it (or the way to it) is in trouble.
    const level = error.status !== undefined && error.status < 500 ? 'warn' : 'error';
    logger.log(level, error.message, {
      code: error.code,
      method: error.method,
      endpoint: error.endpoint,
      status: error.status,
      errorCode: error.errorCode,
      bodyExcerpt: error.bodyExcerpt,
    });
  }

  function fail(error: QlikCloudError): QlikCloudError {
    logFailure(error);
    return error;
  }

  /** The error for a call given up because of `signal`: its request went away, or the client closed. */
  function abandoned(context: CloudCallContext): Error {
    if (closing.signal.aborted) return fail(new QlikCloudUnavailableError(context, 'client is closed'));
    const message = `Qlik Cloud ${context.method} ${context.endpoint} not sent: the request was cancelled`;
    logger.debug(message);
    return new RequestCancelledError(message);
  }

  function unauthorized(context: CloudCallContext, answer: CloudAnswer, anonymous: boolean): QlikCloudError {
    const check = anonymous ? 'Butler.qlikCloud.oauth.clientId and clientSecret' : 'the API key or OAuth client (Butler.qlikCloud)';
    return fail(new QlikCloudResponseError(answered(context, answer), `${describeAnswer(answer)}: the tenant refused our credentials; check ${check}`));
  }

  async function call<T>(spec: CloudCall<T>): Promise<T> {
    const context: CloudCallContext = { method: spec.method, endpoint: endpointOf(spec.target) };
    const waits = callSignal(closing.signal, spec.signal);
    try {
      return await attempts(spec, context, waits.signal);
    } finally {
      waits.release();
    }
  }

  /** Sends one request, recording it (its operation, status class and time) unless its request went away. */
  async function recordedSend(spec: CloudCall<unknown>, context: CloudCallContext, bearer: string | null, signal: AbortSignal, waits: AbortSignal): Promise<CloudAnswer> {
    const began = performance.now();
    const record = (status: number | undefined) =>
      metrics?.qlikCloudCall(qlikCloudOperationOf(spec.method, context.endpoint), statusClassOf(status), (performance.now() - began) / 1000);
    try {
      const answer = await transport.send({
        method: spec.method,
        target: spec.target,
        ...(spec.query === undefined ? {} : { query: spec.query }),
        ...(spec.body === undefined ? {} : { body: spec.body }),
        bearer,
        signal,
        context,
      });
      record(answer.status);
      return answer;
    } catch (error) {
      if (!waits.aborted) record(undefined);
      throw error;
    }
  }

  /** One paced exchange; a GET is abandoned with its request, a POST runs to its end (it may have started something). */
  async function exchange(spec: CloudCall<unknown>, context: CloudCallContext, bearer: string | null, waits: AbortSignal): Promise<CloudAnswer> {
    const abandonable = spec.method === 'GET';
    try {
      await pacer.turn(waits);
      waits.throwIfAborted();
      return await recordedSend(spec, context, bearer, abandonable ? waits : closing.signal, waits);
    } catch (error) {
      const sent = error instanceof QlikCloudError;
      // A POST that was sent failed for its own reason, even if its request has gone meanwhile.
      if (waits.aborted && (!sent || abandonable || closing.signal.aborted)) throw abandoned(context);
      if (sent) throw fail(error);
      throw error;
    }
  }

  async function attempts<T>(spec: CloudCall<T>, context: CloudCallContext, waits: AbortSignal): Promise<T> {
    const anonymous = spec.anonymous === true;
    let renewedToken = false;
    let rateLimitRetries = 0;
    let rateLimitWaitMs = 0;
    for (;;) {
      let bearer: string | null = null;
      if (!anonymous) {
        try {
          bearer = await tokens().current(waits);
        } catch (error) {
          if (waits.aborted) throw abandoned(context);
          throw error; // the token request's own failure, logged by its call
        }
      }
      const answer = await exchange(spec, context, bearer, waits);
      if (answer.status === 401 && bearer !== null && !renewedToken && tokens().refused(bearer)) {
        renewedToken = true;
        logger.debug(`Qlik Cloud ${context.method} ${context.endpoint} answered 401: sending it again with a new token`);
        continue;
      }
      if (answer.status === 401) throw unauthorized(context, answer, anonymous);
      if (answer.status === 429 && errorBodyOf(answer).code !== RELOAD_PENDING_CODE) {
        // Nothing was done; the whole tier is blocked for the wait, so every call waits.
        const waitMs = retryAfterMs(answer.retryAfter);
        pacer.holdFor(waitMs);
        if (rateLimitRetries >= MAX_RATE_LIMIT_RETRIES || rateLimitWaitMs + waitMs > MAX_RATE_LIMIT_WAIT_MS) {
          const reason = `${describeAnswer(answer)}: rate limited, given up after ${rateLimitRetries} retries and ${rateLimitWaitMs / 1000} s of waiting`;
          // The wait asked for travels with the error: a caller that tries later (polling) waits it out first.
          const limited = { ...answered(context, answer), retryAfterSeconds: waitMs / 1000 };
          throw fail(new QlikCloudResponseError(limited, reason));
        }
        rateLimitRetries += 1;
        rateLimitWaitMs += waitMs;
        logger.warn(`Qlik Cloud ${context.method} ${context.endpoint} rate limited (429): every call waits ${waitMs / 1000} s, then it is sent again`, {
          method: context.method,
          endpoint: context.endpoint,
          status: 429,
          retry: rateLimitRetries,
        });
        continue;
      }
      if (answer.status >= 500) throw fail(new QlikCloudResponseError(answered(context, answer), describeAnswer(answer)));
      try {
        const result = spec.interpret(answer);
        if (answer.status >= 400) {
          logger.warn(`Qlik Cloud ${context.method} ${context.endpoint} answered ${describeAnswer(answer)}`, {
            method: context.method,
            endpoint: context.endpoint,
            status: answer.status,
            errorCode: errorBodyOf(answer).code,
          });
        }
        return result;
      } catch (error) {
        if (!(error instanceof UnexpectedAnswerError)) throw error;
        throw fail(new QlikCloudResponseError(answered(context, answer), error.message));
      }
    }
  }

  return {
    call,
    close: () => closing.abort(),
  };
}
