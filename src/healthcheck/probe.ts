import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { ServerSettings } from '../config/settings.js';

/** The address to reach the service's own listener from inside its host or container. */
export function ownAddress(host: string): string {
  if (host === '0.0.0.0') return '127.0.0.1';
  if (host === '::' || host === '[::]') return '::1';
  return host;
}

/**
 * GET /health on the service's own listener, over HTTPS when it serves HTTPS. The server
 * certificate is not verified: it names the service's public host, not the loopback address
 * asked here, and the probe talks to its own container. With client certificates required
 * (tls.clientCa) the probe holds none, so a completed TLS handshake is proof of life.
 * Resolves with a reason when unhealthy, undefined when healthy.
 */
export function probeHealth(server: Pick<ServerSettings, 'host' | 'port' | 'tls'>, timeoutMs: number): Promise<string | undefined> {
  const host = ownAddress(server.host);
  const options = { host, port: server.port, path: '/health', method: 'GET', timeout: timeoutMs };
  const where = `${server.tls.enable ? 'https' : 'http'}://${host.includes(':') ? `[${host}]` : host}:${server.port}/health`;
  return new Promise((resolve) => {
    const request = server.tls.enable
      ? httpsRequest({ ...options, rejectUnauthorized: false })
      : httpRequest(options);
    request.on('response', (response) => {
      response.resume();
      resolve(response.statusCode === 200 ? undefined : `${where} answered ${response.statusCode}`);
    });
    if (server.tls.enable && server.tls.clientCa !== null) {
      request.on('socket', (socket) => socket.once('secureConnect', () => {
        resolve(undefined);
        request.destroy();
      }));
    }
    request.on('timeout', () => request.destroy(new Error(`no answer within ${timeoutMs} ms`)));
    request.on('error', (error) => resolve(`${where}: ${error.message}`));
    request.end();
  });
}
