import { STATUS_CODES, type ServerOptions as HttpServerOptions } from 'node:http';
import type { ServerOptions as HttpsServerOptions } from 'node:https';
import type { Socket } from 'node:net';
import type { FastifyInstance } from 'fastify';
import type { ServerSettings } from '../config/settings.js';

/**
 * Idle keep-alive connections are closed after this long. It is longer than the idle timeout
 * of common reverse proxies and load balancers (60 s), so a proxy never sends a request on a
 * connection this service is just closing; maxConnections bounds what idle ones can hold.
 */
export const KEEP_ALIVE_TIMEOUT_MS = 72_000;
/** Headers are small: a client that needs longer than this for them is a slow-loris. */
const HEADERS_TIMEOUT_MS = 10_000;

type SlowClientSettings = Pick<ServerSettings, 'requestTimeoutMs' | 'maxConnections'>;

/**
 * Fastify and node:http options that bound slow clients. `requestTimeoutMs` limits how long a
 * client may take to send a whole request (headers and body); it stops counting once the body
 * has arrived, so a handler that takes longer (a start request that waits for its reloads) is
 * never cut short. Node checks the timeouts every `connectionsCheckingInterval` (30 s by
 * default, far too coarse for a 30 s limit), so the check runs at least every second.
 */
export function slowClientOptions(settings: SlowClientSettings, https: HttpsServerOptions | undefined) {
  const nodeOptions: HttpServerOptions = {
    headersTimeout: Math.min(HEADERS_TIMEOUT_MS, settings.requestTimeoutMs),
    connectionsCheckingInterval: Math.max(100, Math.min(1000, Math.floor(settings.requestTimeoutMs / 4))),
  };
  return {
    requestTimeout: settings.requestTimeoutMs,
    keepAliveTimeout: KEEP_ALIVE_TIMEOUT_MS,
    // No socket inactivity timeout: it would also fire while a handler waits for QRS.
    connectionTimeout: 0,
    ...(https ? { https: { ...https, ...nodeOptions } } : { http: nodeOptions }),
  };
}

/** Connections beyond `maxConnections` are closed by node:http as soon as they are accepted. */
export function capConnections(app: FastifyInstance, settings: SlowClientSettings): void {
  app.server.maxConnections = settings.maxConnections;
}

function rawAnswer(status: number, message: string): string {
  const body = JSON.stringify({ statusCode: status, error: STATUS_CODES[status], message });
  return (
    `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nConnection: close\r\nContent-Type: application/json; charset=utf-8\r\n` +
    `Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`
  );
}

/**
 * node:http's `clientError` handler: requests it could not complete (too slow, malformed,
 * headers too large) never reach Fastify's hooks, so they are answered here in the usual
 * error shape, logged with the client's address, and the connection is closed.
 */
export function answerClientErrors(settings: SlowClientSettings) {
  return function onClientError(this: FastifyInstance, error: NodeJS.ErrnoException, socket: Socket): void {
    if (error.code === 'ECONNRESET' || socket.destroyed) return;
    let status = 400;
    let message = 'malformed HTTP request';
    if (error.code === 'ERR_HTTP_REQUEST_TIMEOUT') {
      status = 408;
      message =
        `the request was not received in full within ${settings.requestTimeoutMs} ms ` +
        '(Butler.restServerConfig.requestTimeoutMs)';
    } else if (error.code === 'HPE_HEADER_OVERFLOW') {
      status = 431;
      message = 'the request headers (URL included) are larger than 16 KiB';
    }
    this.log.info(
      { clientIp: socket.remoteAddress, statusCode: status, code: error.code },
      `client ${socket.remoteAddress ?? 'unknown'}: ${message}; answered ${status} and closed the connection`,
    );
    // An answer already under way on this connection cannot be followed by another one.
    const answering = (socket as Socket & { _httpMessage?: { headersSent?: boolean } })._httpMessage;
    if (socket.writable && answering?.headersSent !== true) socket.end(rawAnswer(status, message));
    socket.destroySoon();
  };
}
