/**
 * One HTTP exchange with the tenant, nothing more: a single axios instance on a single
 * keep-alive agent, every status an answer, and a failure to get one turned into a typed
 * error. What to do with answers (auth, rate limits, retries, logs) is calls.ts's business.
 */
import http from 'node:http';
import https from 'node:https';
import axios, { type AxiosInstance } from 'axios';
import { encodeQueryString } from '../query-string.js';
import { QlikCloudError, QlikCloudResponseError, QlikCloudTimeoutError, QlikCloudUnavailableError, type CloudCallContext } from './errors.js';

/** What the tenant answered, whatever the status. */
export interface CloudAnswer {
  readonly status: number;
  readonly text: string;
  /** The Retry-After header, as sent. */
  readonly retryAfter: string | undefined;
}

export interface CloudExchange {
  readonly method: 'GET' | 'POST';
  /** A path under the tenant (`/api/v1/items`), or an absolute URL already checked to be on it. */
  readonly target: string;
  readonly query?: Readonly<Record<string, string>>;
  readonly body?: unknown;
  /** Sent as `Authorization: Bearer`; null for the token request itself. */
  readonly bearer: string | null;
  /** Aborting it abandons the exchange (the caller decides which signal that is). */
  readonly signal: AbortSignal;
  readonly context: CloudCallContext;
}

export interface CloudTransport {
  /** Throws QlikCloudTimeoutError, QlikCloudUnavailableError, or QlikCloudResponseError (answer too large). */
  send(exchange: CloudExchange): Promise<CloudAnswer>;
  close(): void;
}

export interface CloudTransportSettings {
  readonly tenantUrl: string;
  readonly timeoutMs: number;
}

// Idle keep-alive sockets are closed before a server or load balancer is likely to close
// them, so a start is never sent on a socket being closed.
const IDLE_SOCKET_TIMEOUT_MS = 4_000;
// Same value axios sets on each request's socket: equal values spare two system calls per request.
const TCP_KEEPALIVE_MS = 60_000;
const MAX_SOCKETS = 32;
const MAX_ANSWER_BYTES = 16 * 1024 * 1024;
const TIMEOUT_CODES = new Set(['ETIMEDOUT', 'ECONNABORTED']);

function buildAgent(tenantUrl: string): http.Agent {
  const options = { keepAlive: true, keepAliveMsecs: TCP_KEEPALIVE_MS, timeout: IDLE_SOCKET_TIMEOUT_MS, maxSockets: MAX_SOCKETS };
  return new URL(tenantUrl).protocol === 'https:' ? new https.Agent(options) : new http.Agent(options);
}

export function createCloudTransport(settings: CloudTransportSettings): CloudTransport {
  const agent = buildAgent(settings.tenantUrl);
  const instance: AxiosInstance = axios.create({
    baseURL: settings.tenantUrl,
    timeout: settings.timeoutMs,
    headers: { Accept: 'application/json' },
    httpAgent: agent,
    httpsAgent: agent,
    proxy: false,
    // A redirect is an answer we cannot use; following it could carry the token elsewhere.
    maxRedirects: 0,
    maxContentLength: MAX_ANSWER_BYTES,
    responseType: 'text',
    transformResponse: [(data: unknown) => data],
    validateStatus: () => true,
    paramsSerializer: { serialize: encodeQueryString },
    transitional: { clarifyTimeoutError: true },
  });

  /**
   * The axios error itself is never kept (as a cause or otherwise): its config holds the
   * Authorization header and, for the token request, the client secret.
   */
  function failureOf(error: unknown, context: CloudCallContext): QlikCloudError {
    if (!axios.isAxiosError(error)) throw error;
    const code = error.code ?? 'UNKNOWN';
    if (TIMEOUT_CODES.has(code)) return new QlikCloudTimeoutError(context, `no answer within ${settings.timeoutMs} ms`);
    if (code === axios.AxiosError.ERR_BAD_RESPONSE) return new QlikCloudResponseError(context, error.message);
    const reason = error.message.includes(code) ? error.message : `${error.message} (${code})`;
    return new QlikCloudUnavailableError(context, reason);
  }

  async function send(exchange: CloudExchange): Promise<CloudAnswer> {
    try {
      const response = await instance.request<string>({
        method: exchange.method,
        url: exchange.target,
        ...(exchange.query === undefined ? {} : { params: exchange.query }),
        ...(exchange.body === undefined ? {} : { data: exchange.body }),
        headers: exchange.bearer === null ? {} : { Authorization: `Bearer ${exchange.bearer}` },
        signal: exchange.signal,
      });
      const retryAfter = response.headers['retry-after'] as unknown;
      return {
        status: response.status,
        text: typeof response.data === 'string' ? response.data : '',
        retryAfter: typeof retryAfter === 'string' ? retryAfter : undefined,
      };
    } catch (error) {
      throw failureOf(error, exchange.context);
    }
  }

  return {
    send,
    close: () => agent.destroy(),
  };
}
