/**
 * Child process: the practical limit of one Node process on this machine, a bare
 * `node:http` server answering every request with a constant JSON body (headers computed
 * once). No routing, no parsing, no logging: what is left is what every HTTP server pays
 * (accepting, parsing the request line and headers, writing the answer).
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { reportStartFailure, serveParent } from './serve-parent.js';

const BODY = Buffer.from(JSON.stringify({ status: 'ok' }));
const HEADERS = { 'content-type': 'application/json; charset=utf-8', 'content-length': String(BODY.length) };

async function main(): Promise<void> {
  const server = createServer((request, response) => {
    // Drain a body, if any, so keep-alive connections stay usable.
    request.resume();
    response.writeHead(200, HEADERS);
    response.end(BODY);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  serveParent(`http://127.0.0.1:${port}`, () => new Promise<void>((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  }));
}

main().catch(reportStartFailure);
