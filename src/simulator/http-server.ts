import type { IncomingMessage, Server as HttpServer } from 'node:http';
import type { Server as HttpsServer } from 'node:https';
import type { AddressInfo, Socket } from 'node:net';

/** Pieces both simulators' servers need: bodies, listening, and a close that waits for nothing. */

/** The request body, or null when it exceeded `maxBytes` (the rest is drained, not kept). */
export function readBody(req: IncomingMessage, maxBytes: number): Promise<Buffer | null> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= maxBytes) chunks.push(chunk);
    });
    req.on('end', () => resolve(size <= maxBytes ? Buffer.concat(chunks) : null));
    req.on('error', reject);
  });
}

/** Listens on host:port (0 picks a free port) and resolves with the port. */
export function listen(server: HttpServer | HttpsServer, host: string, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve((server.address() as AddressInfo).port);
    });
  });
}

/**
 * A close for `server` that waits for nothing: it stops listening and destroys every
 * connection, tracked from now on, because closeAllConnections() misses a keep-alive socket
 * now and then and close() would then wait for the client's idle timeout.
 */
export function closerOf(server: HttpServer | HttpsServer): () => Promise<void> {
  const sockets = new Set<Socket>();
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });
  return () =>
    new Promise<void>((resolve, reject) => {
      server.close((err) => (err ? reject(err) : resolve()));
      server.closeAllConnections();
      for (const socket of sockets) socket.destroy();
    });
}

/** `http(s)://host:port` with IPv6 hosts in brackets. */
export function formatUrl(protocol: 'http' | 'https', host: string, port: number): string {
  return host.includes(':') ? `${protocol}://[${host}]:${port}` : `${protocol}://${host}:${port}`;
}

/** Timers that hold answers back, all cancelled when the server closes (their waits never end). */
export function createDelays(): { wait(ms: number): Promise<void>; cancelAll(): void } {
  const timers = new Set<NodeJS.Timeout>();
  return {
    wait(ms) {
      if (ms <= 0) return Promise.resolve();
      return new Promise((resolve) => {
        const timer = setTimeout(() => {
          timers.delete(timer);
          resolve();
        }, ms);
        timers.add(timer);
      });
    },
    cancelAll() {
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
    },
  };
}
