import { request, type Agent, type IncomingHttpHeaders } from 'node:http';

export interface Answer {
  status: number;
  headers: IncomingHttpHeaders;
  text: string;
  json(): any;
}

export interface RequestFromOptions {
  method?: string;
  headers?: Record<string, string>;
  /** Sent as JSON. */
  body?: unknown;
  timeoutMs?: number;
  /** Send over this agent's connections; a fresh connection per request if absent. */
  agent?: Agent;
}

/**
 * One HTTP request on a fresh connection from a chosen loopback source address (127.0.0.2,
 * 127.0.0.3, ...: all of 127.0.0.0/8 is this machine), so tests can be several clients.
 */
export function requestFrom(localAddress: string, url: string, opts: RequestFromOptions = {}): Promise<Answer> {
  const payload = opts.body === undefined ? undefined : JSON.stringify(opts.body);
  const headers: Record<string, string> = { ...opts.headers };
  if (payload !== undefined) headers['content-type'] = 'application/json';
  const timeoutMs = opts.timeoutMs ?? 15000;
  return new Promise((resolve, reject) => {
    const req = request(url, { method: opts.method ?? 'GET', headers, localAddress, agent: opts.agent ?? false }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (text += chunk));
      res.on('end', () =>
        resolve({ status: res.statusCode ?? 0, headers: res.headers, text, json: () => JSON.parse(text) }),
      );
      res.on('error', reject);
    });
    req.setTimeout(timeoutMs, () =>
      req.destroy(new Error(`${opts.method ?? 'GET'} ${url} from ${localAddress}: no answer within ${timeoutMs} ms`)),
    );
    req.on('error', reject);
    req.end(payload);
  });
}
