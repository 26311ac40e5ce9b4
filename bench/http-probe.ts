import { request } from 'node:http';
import type { LoadRequest } from './load/drive-load.js';

export interface ProbeAnswer {
  status: number;
  body: unknown;
}

/**
 * One request on a fresh connection that is closed afterwards (no keep-alive agent to
 * clean up): used to seed data and to check an answer is right before timing it.
 */
export function probe(baseUrl: string, load: LoadRequest): Promise<ProbeAnswer> {
  return new Promise((resolve, reject) => {
    const req = request(
      new URL(load.path, baseUrl),
      {
        method: load.method,
        agent: false,
        headers: load.body === undefined ? {} : { 'content-type': 'application/json' },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let body: unknown = text;
          try {
            body = JSON.parse(text);
          } catch {
            // Not JSON: keep the text for the error message.
          }
          resolve({ status: res.statusCode ?? 0, body });
        });
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(load.body);
  });
}

export class BenchCheckError extends Error {
  override name = 'BenchCheckError';
}

/** Stops the bench when the service answers wrongly: a fast wrong answer is no result. */
export function expectAnswer(what: string, answer: ProbeAnswer, ok: (answer: ProbeAnswer) => boolean): void {
  if (!ok(answer)) {
    throw new BenchCheckError(`${what}: unexpected answer ${answer.status} ${JSON.stringify(answer.body).slice(0, 500)}`);
  }
}
