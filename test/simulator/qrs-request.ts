import { request } from 'node:https';
import type { IncomingHttpHeaders } from 'node:http';
import type { CertBundle, RunningSimulator } from '../../src/simulator/index.js';

export const XRFKEY = 'abcdefghij012345';
export const QLIK_USER = 'UserDirectory=INTERNAL; UserId=sa_repository';

export interface QrsCall {
  method?: string;
  /** Path plus any query; the xrfkey parameter is appended unless `queryKey` is null. */
  path: string;
  /** Value of the `xrfkey` query parameter; null leaves it out. */
  queryKey?: string | null;
  /** Name of the query parameter (QRS accepts `Xrfkey` and `xrfkey`). */
  queryKeyName?: string;
  /** X-Qlik-Xrfkey header; null leaves it out. Defaults to the query key. */
  headerKey?: string | null;
  /** X-Qlik-User header; null leaves it out. */
  user?: string | null;
  body?: string;
  /** Client identity; null sends no certificate. Defaults to the bundle's client cert. */
  identity?: { cert: string; key: string } | null;
}

export interface QrsAnswer {
  status: number;
  headers: IncomingHttpHeaders;
  text: string;
}

function withXrfkey(path: string, name: string, key: string): string {
  return `${path}${path.includes('?') ? '&' : '?'}${name}=${key}`;
}

/**
 * One request over a fresh mutual-TLS connection (no agent, so nothing is left open).
 * Plain node:https on purpose: these tests check the simulator, not the project's client.
 */
export function qrsRequest(sim: Pick<RunningSimulator, 'port'>, certs: CertBundle, call: QrsCall): Promise<QrsAnswer> {
  const queryKey = call.queryKey === undefined ? XRFKEY : call.queryKey;
  const headerKey = call.headerKey === undefined ? queryKey : call.headerKey;
  const user = call.user === undefined ? QLIK_USER : call.user;
  const identity = call.identity === undefined ? { cert: certs.clientCert, key: certs.clientKey } : call.identity;

  const headers: Record<string, string> = {};
  if (headerKey !== null) headers['X-Qlik-Xrfkey'] = headerKey;
  if (user !== null) headers['X-Qlik-User'] = user;
  if (call.body !== undefined) headers['Content-Type'] = 'application/json';

  const path = queryKey === null ? call.path : withXrfkey(call.path, call.queryKeyName ?? 'xrfkey', queryKey);
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port: sim.port,
        method: call.method ?? 'GET',
        path,
        headers,
        ca: certs.caCert,
        ...(identity === null ? {} : identity),
        agent: false,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, headers: res.headers, text: Buffer.concat(chunks).toString('utf8') }),
        );
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(call.body);
  });
}

/** Parses a JSON answer, failing the test with the body when it is not JSON. */
export function jsonOf<T>(answer: QrsAnswer): T {
  try {
    return JSON.parse(answer.text) as T;
  } catch {
    throw new Error(`expected JSON, got ${answer.status}: ${answer.text}`);
  }
}

export function withFilter(path: string, filter: string): string {
  return `${path}?filter=${encodeURIComponent(filter)}`;
}
