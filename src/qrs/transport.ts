/**
 * The one HTTP path to QRS: a single axios instance on a single keep-alive agent, a fresh
 * xrfkey per request, GET retries, and the translation of every failure into a QrsError
 * that is logged exactly once, here.
 */
import { setMaxListeners } from 'node:events';
import http from 'node:http';
import https from 'node:https';
import type { Readable } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import axios, { type AxiosError, type AxiosInstance, type AxiosResponse } from 'axios';
import type { Logger } from 'winston';
import { callSignal } from '../call-signal.js';
import type { QrsSettings } from '../config/settings.js';
import { RequestCancelledError } from '../errors.js';
import { qrsOperationOf, type QrsCallMetrics, type QrsCallOutcome } from '../metrics/index.js';
import { retryDelayMs } from './backoff.js';
import { createClientSecureContext } from './certificates.js';
import {
  excerptOf,
  QrsError,
  QrsResponseError,
  QrsTimeoutError,
  QrsUnavailableError,
  type QrsCallContext,
} from './errors.js';
import type { QrsFilter } from './filter.js';
import { encodeQueryString } from '../query-string.js';
import { createXrfkey } from './xrfkey.js';

/** What QRS sent back, before an operation decides whether it can use it. */
export interface QrsAnswer {
  readonly status: number;
  readonly statusText: string;
  readonly text: string;
  /** The axios error for a non-2xx status, kept as the cause of any error about it. */
  readonly statusError: AxiosError | undefined;
}

export interface QrsCall<T> {
  readonly method: 'GET' | 'POST';
  /** Path under `/qrs`, e.g. `/task/full`. */
  readonly path: string;
  readonly filter?: QrsFilter;
  /** Further query parameters, e.g. `executionResultId`; encoded once, like the filter. */
  readonly query?: Readonly<Record<string, string>>;
  /** Turns a non-5xx answer into the operation's result; throws UnexpectedAnswerError. */
  readonly interpret: (answer: QrsAnswer) => T;
  /**
   * The request this call serves. Once it is aborted the call is not sent (nor retried), and
   * a GET in flight is abandoned; a start in flight is left to finish, as it may have started.
   */
  readonly signal?: AbortSignal;
}

/** A GET whose 200 body is read as a stream (never buffered whole), e.g. a script log download. */
export interface QrsStreamCall<T> {
  /** Path under `/qrs`, already URL-encoded. */
  readonly path: string;
  /** Reads the body; must consume or destroy it. Its error becomes a QrsUnavailableError. */
  readonly consume: (body: Readable) => Promise<T>;
  /** Longest the whole download may take, body included. */
  readonly timeoutMs: number;
}

export interface QrsTransport {
  call<T>(call: QrsCall<T>): Promise<T>;
  /** Characters the URL-encoded filter of a call to `path` may take within `maxUrlLength`. */
  filterRoom(path: string): number;
  /** One attempt, never retried (a download reference may be good for one use only). */
  stream<T>(call: QrsStreamCall<T>): Promise<T>;
  close(): Promise<void>;
}

/** Thrown by an interpreter when QRS's answer is not one it knows; becomes QrsResponseError. */
export class UnexpectedAnswerError extends Error {}

export function unexpectedStatus(answer: QrsAnswer): UnexpectedAnswerError {
  return new UnexpectedAnswerError(`${answer.status} ${answer.statusText}`.trim());
}

/** Parses a JSON body; anything unparsable is an unexpected answer, never "no data". */
export function parseJsonBody(answer: QrsAnswer): unknown {
  try {
    return JSON.parse(answer.text) as unknown;
  } catch {
    throw new UnexpectedAnswerError(`${answer.status} answer is not JSON`);
  }
}

// Closes idle keep-alive sockets before a server is likely to, so a request is not sent
// on a socket the server is closing (a start must not fail, or be retried, for that).
const IDLE_SOCKET_TIMEOUT_MS = 4_000;
// axios sets TCP keep-alive to 60 s on every request's socket and the agent sets its own
// value when the socket goes back to the pool: with equal values Node skips both system
// calls, with different ones every QRS call pays two setsockopt round trips into the kernel.
const AXIOS_TCP_KEEPALIVE_MS = 60_000;
const MAX_ANSWER_BYTES = 64 * 1024 * 1024;
const TIMEOUT_CODES = new Set(['ETIMEDOUT', 'ECONNABORTED']);

type Attempt =
  | { readonly kind: 'answer'; readonly answer: QrsAnswer }
  | { readonly kind: 'failure'; readonly error: QrsError; readonly retryable: boolean };

function failed(error: QrsError, retryable: boolean): Attempt {
  return { kind: 'failure', error, retryable };
}

function buildBaseUrl(settings: QrsSettings): string {
  const scheme = settings.useSSL ? 'https' : 'http';
  const host = settings.host.includes(':') ? `[${settings.host}]` : settings.host;
  return `${scheme}://${host}:${settings.port}/qrs`;
}

function buildAgent(settings: QrsSettings): http.Agent {
  // One agent for the process: beyond maxSockets, calls queue here for a free connection.
  const common = {
    keepAlive: true,
    keepAliveMsecs: AXIOS_TCP_KEEPALIVE_MS,
    timeout: IDLE_SOCKET_TIMEOUT_MS,
    maxSockets: settings.maxSockets,
  };
  if (!settings.useSSL) return new http.Agent(common);
  const secureContext = createClientSecureContext(settings);
  return new https.Agent({ ...common, secureContext, rejectUnauthorized: settings.rejectUnauthorized });
}

function staticHeaders(settings: QrsSettings): Record<string, string> {
  const headers: Record<string, string> = { Accept: 'application/json' };
  for (const { name, value } of settings.headers) headers[name] = value;
  return headers;
}

export interface QrsTransportDeps {
  logger: Logger;
  /** Counts and times every call (stg_qrs_*); absent: nothing is recorded. */
  metrics?: QrsCallMetrics;
  /** Aborted by close(), ending every call in flight; absent: the transport makes its own. */
  closing?: AbortController;
}

function outcomeOf(error: unknown): QrsCallOutcome {
  if (error instanceof QrsTimeoutError) return 'timeout';
  if (error instanceof QrsUnavailableError) return 'unavailable';
  return 'error';
}

export function createQrsTransport(settings: QrsSettings, deps: QrsTransportDeps): QrsTransport {
  const { logger, metrics } = deps;
  const agent = buildAgent(settings);
  const baseUrl = buildBaseUrl(settings);
  const closing = deps.closing ?? new AbortController();
  // Every in-flight call listens on this one signal; dozens at once are normal, not a leak.
  setMaxListeners(0, closing.signal);
  const instance: AxiosInstance = axios.create({
    baseURL: baseUrl,
    timeout: settings.timeoutMs,
    headers: staticHeaders(settings),
    httpAgent: agent,
    httpsAgent: agent,
    proxy: false,
    maxRedirects: 0,
    maxContentLength: MAX_ANSWER_BYTES,
    responseType: 'text',
    transformResponse: [(data: unknown) => data],
    paramsSerializer: { serialize: encodeQueryString },
    transitional: { clarifyTimeoutError: true },
  });

  function failureOf(error: unknown, context: QrsCallContext): Attempt {
    if (!axios.isAxiosError(error)) throw error;
    const code = error.code ?? 'UNKNOWN';
    const options = { cause: error };
    if (closing.signal.aborted) {
      return failed(new QrsUnavailableError(context, 'client is closed', options), false);
    }
    if (TIMEOUT_CODES.has(code)) {
      return failed(new QrsTimeoutError(context, `no answer within ${settings.timeoutMs} ms`, options), true);
    }
    if (code === axios.AxiosError.ERR_BAD_RESPONSE) {
      return failed(new QrsResponseError(context, error.message, options), false);
    }
    const reason = error.message.includes(code) ? error.message : `${error.message} (${code})`;
    return failed(new QrsUnavailableError(context, reason, options), true);
  }

  function cancelled(context: QrsCallContext): RequestCancelledError {
    logger.debug(`QRS ${context.method} ${context.endpoint} not sent: the request was cancelled`);
    return new RequestCancelledError(`QRS ${context.method} ${context.endpoint} not sent: the request was cancelled`);
  }

  async function attempt(call: QrsCall<unknown>, context: QrsCallContext): Promise<Attempt> {
    const xrfkey = createXrfkey();
    let response: AxiosResponse<unknown>;
    let statusError: AxiosError | undefined;
    const abandonable = call.signal !== undefined && call.method === 'GET';
    const linked = abandonable ? callSignal(closing.signal, call.signal) : undefined;
    try {
      response = await instance.request({
        method: call.method,
        url: call.path,
        params: { ...call.query, xrfkey, ...(call.filter === undefined ? {} : { filter: call.filter }) },
        headers: { 'X-Qlik-Xrfkey': xrfkey },
        signal: linked?.signal ?? closing.signal,
      });
    } catch (error) {
      if (abandonable && call.signal?.aborted && !closing.signal.aborted) throw cancelled(context);
      if (!axios.isAxiosError(error) || error.response === undefined) return failureOf(error, context);
      // A non-2xx answer: still an answer (404 means "no such task" to a start).
      response = error.response;
      statusError = error;
    } finally {
      linked?.release();
    }
    const answer: QrsAnswer = {
      status: response.status,
      statusText: response.statusText,
      text: typeof response.data === 'string' ? response.data : '',
      statusError,
    };
    if (answer.status >= 500) {
      const answered = { ...context, status: answer.status, bodyExcerpt: excerptOf(answer.text) };
      return failed(new QrsResponseError(answered, unexpectedStatus(answer).message, { cause: statusError }), true);
    }
    return { kind: 'answer', answer };
  }

  function logFailure(error: QrsError, filter: QrsFilter | undefined): void {
    // A 4xx is QRS refusing one request; anything else means QRS itself is in trouble.
    const refused = error instanceof QrsResponseError && error.status !== undefined && error.status < 500;
    const level = refused ? 'warn' : 'error';
    logger.log(level, error.message, {
      code: error.code,
      method: error.method,
      endpoint: error.endpoint,
      status: error.status,
      bodyExcerpt: error.bodyExcerpt,
      filter,
    });
  }

  async function call<T>(qrsCall: QrsCall<T>): Promise<T> {
    const context: QrsCallContext = { method: qrsCall.method, endpoint: `/qrs${qrsCall.path}` };
    // Starts are never retried: QRS may have started the task before the connection broke.
    const attempts = qrsCall.method === 'GET' ? settings.retries + 1 : 1;
    for (let attemptNumber = 1; ; attemptNumber += 1) {
      if (qrsCall.signal?.aborted && !closing.signal.aborted) throw cancelled(context);
      const outcome = closing.signal.aborted
        ? failed(new QrsUnavailableError(context, 'client is closed'), false)
        : await attempt(qrsCall, context);
      if (outcome.kind === 'answer') {
        try {
          return qrsCall.interpret(outcome.answer);
        } catch (error) {
          if (!(error instanceof UnexpectedAnswerError)) throw error;
          const { answer } = outcome;
          const answered = { ...context, status: answer.status, bodyExcerpt: excerptOf(answer.text) };
          const responseError = new QrsResponseError(answered, error.message, { cause: answer.statusError ?? error });
          logFailure(responseError, qrsCall.filter);
          throw responseError;
        }
      }
      if (!outcome.retryable || attemptNumber >= attempts) {
        logFailure(outcome.error, qrsCall.filter);
        throw outcome.error;
      }
      logger.debug(`${outcome.error.message}; retry ${attemptNumber} of ${settings.retries}`);
      const wait = callSignal(closing.signal, qrsCall.signal);
      try {
        await sleep(retryDelayMs(attemptNumber), undefined, { signal: wait.signal });
      } catch {
        // Aborted by close() or by the request; the next loop turn reports which.
      } finally {
        wait.release();
      }
    }
  }

  async function observedCall<T>(qrsCall: QrsCall<T>): Promise<T> {
    if (metrics === undefined) return call(qrsCall);
    const operation = qrsOperationOf(qrsCall.method, qrsCall.path);
    const began = performance.now();
    try {
      const result = await call(qrsCall);
      metrics.qrsCall(operation, 'ok', (performance.now() - began) / 1000);
      return result;
    } catch (error) {
      // A call its request gave up on says nothing about QRS.
      if (!(error instanceof RequestCancelledError)) metrics.qrsCall(operation, outcomeOf(error), (performance.now() - began) / 1000);
      throw error;
    }
  }

  function errorOf(attempt: Attempt, original: unknown): QrsError {
    if (attempt.kind === 'failure') return attempt.error;
    throw original;
  }

  async function stream<T>(streamCall: QrsStreamCall<T>): Promise<T> {
    const download = callSignal(closing.signal, AbortSignal.timeout(streamCall.timeoutMs));
    try {
      return await streamWith(streamCall, download.signal);
    } finally {
      download.release();
    }
  }

  async function streamWith<T>(streamCall: QrsStreamCall<T>, signal: AbortSignal): Promise<T> {
    const context: QrsCallContext = { method: 'GET', endpoint: `/qrs${streamCall.path}` };
    const xrfkey = createXrfkey();
    let body: Readable;
    try {
      const response = await instance.request<Readable>({
        method: 'GET',
        url: streamCall.path,
        params: { xrfkey },
        headers: { 'X-Qlik-Xrfkey': xrfkey, Accept: '*/*' },
        responseType: 'stream',
        signal,
        validateStatus: () => true,
      });
      body = response.data;
      if (response.status !== 200) {
        body.destroy();
        throw new QrsResponseError({ ...context, status: response.status }, `${response.status} ${response.statusText}`.trim());
      }
    } catch (error) {
      const qrsError = error instanceof QrsError ? error : errorOf(failureOf(error, context), error);
      logFailure(qrsError, undefined);
      throw qrsError;
    }
    try {
      return await streamCall.consume(body);
    } catch (error) {
      body.destroy();
      const timedOut = signal.aborted && !closing.signal.aborted;
      const reason = timedOut ? `download took longer than ${streamCall.timeoutMs} ms` : error instanceof Error ? error.message : String(error);
      const qrsError = new QrsUnavailableError(context, reason, { cause: error });
      logFailure(qrsError, undefined);
      throw qrsError;
    }
  }

  async function close(): Promise<void> {
    closing.abort();
    agent.destroy();
  }

  // Every xrfkey has the same length, so one measures them all.
  const queryWithoutFilter = encodeQueryString({ xrfkey: createXrfkey(), filter: '' });

  function filterRoom(path: string): number {
    return settings.maxUrlLength - `${baseUrl}${path}?${queryWithoutFilter}`.length;
  }

  return { call: observedCall, filterRoom, stream, close };
}
