import { request, type IncomingHttpHeaders } from 'node:http';
import { SIM_API_KEY, startQlikCloudSimulator, type QlikCloudSimulatorOptions, type RunningQlikCloudSimulator } from '../../../src/simulator/qlik-cloud/index.js';

export interface CloudCall {
  method?: string;
  /** Path plus query, or an absolute URL on the simulator (a `links.next.href`). */
  path: string;
  /** Bearer token; null sends no Authorization header. Defaults to the simulator's API key. */
  token?: string | null;
  /** Sent as JSON unless it is a string already. */
  body?: unknown;
}

export interface CloudAnswer {
  status: number;
  headers: IncomingHttpHeaders;
  text: string;
}

/** Keeps only a `{ port }` so a test can call a simulator it has closed (and see the refusal). */
type Target = Pick<RunningQlikCloudSimulator, 'port'>;

/**
 * One request over a fresh connection (no agent, so nothing is left open). Plain node:http on
 * purpose: these tests check the simulator, not the project's client.
 */
export function cloudRequest(sim: Target, call: CloudCall): Promise<CloudAnswer> {
  const token = call.token === undefined ? SIM_API_KEY : call.token;
  const headers: Record<string, string> = {};
  if (token !== null) headers.authorization = `Bearer ${token}`;
  let body: string | undefined;
  if (call.body !== undefined) {
    body = typeof call.body === 'string' ? call.body : JSON.stringify(call.body);
    headers['content-type'] = 'application/json';
  }
  const url = new URL(call.path, `http://127.0.0.1:${sim.port}`);
  return new Promise((resolve, reject) => {
    const req = request(url, { method: call.method ?? 'GET', headers, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, text: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body);
  });
}

/** Parses a JSON answer, failing the test with the body when it is not JSON. */
export function jsonOf<T = Record<string, unknown>>(answer: CloudAnswer): T {
  try {
    return JSON.parse(answer.text) as T;
  } catch {
    throw new Error(`expected JSON, got ${answer.status}: ${answer.text}`);
  }
}

/** The `code` of the first error of a Qlik Cloud error body. */
export function errorCodeOf(answer: CloudAnswer): string | undefined {
  return jsonOf<{ errors?: { code?: string }[] }>(answer).errors?.[0]?.code;
}

export interface ReloadJson {
  id: string;
  appId: string;
  status: string;
  partial: boolean;
  creationTime: string;
  startTime?: string;
  endTime?: string;
  log?: string;
  errorCode?: string;
}

/** `POST /api/v1/reloads` for `appId`, expecting a 201. */
export async function startReload(sim: Target, body: Record<string, unknown>): Promise<ReloadJson> {
  const answer = await cloudRequest(sim, { method: 'POST', path: '/api/v1/reloads', body });
  if (answer.status !== 201) throw new Error(`expected 201, got ${answer.status}: ${answer.text}`);
  return jsonOf<ReloadJson>(answer);
}

/** Starts a simulator on 127.0.0.1:0; close it in `t.after` / `after`. */
export function startTestCloudSimulator(opts: QlikCloudSimulatorOptions = {}): Promise<RunningQlikCloudSimulator> {
  return startQlikCloudSimulator({ host: '127.0.0.1', port: 0, ...opts });
}

/** Demo fixture app ids (src/simulator/qlik-cloud/fixtures/demo.json). */
export const DEMO_APPS = {
  sales: '5a1e0c3b-7f2d-4c61-9b8e-2d4f6a8c0001',
  marketing: '5a1e0c3b-7f2d-4c61-9b8e-2d4f6a8c0002',
  finance: '5a1e0c3b-7f2d-4c61-9b8e-2d4f6a8c0003',
  broken: '5a1e0c3b-7f2d-4c61-9b8e-2d4f6a8c0004',
  stock: '5a1e0c3b-7f2d-4c61-9b8e-2d4f6a8c0005',
  scratchpad: '5a1e0c3b-7f2d-4c61-9b8e-2d4f6a8c0006',
} as const;
