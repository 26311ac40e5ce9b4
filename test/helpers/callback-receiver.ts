import assert from 'node:assert/strict';
import { createHmac, timingSafeEqual } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import type { TestContext } from 'node:test';
import { PROJECT_ROOT } from './process.js';
import { waitUntil } from './wait.js';

export interface ReceivedCallback<Body> {
  path: string;
  headers: IncomingHttpHeaders;
  /** The body's bytes as they arrived. */
  raw: Buffer;
  body: Body;
  /** Whether the signature held, when the receiver checks signatures. */
  verified?: boolean;
}

export interface ReceiverOptions {
  /** Status answered to each POST in turn, then 200. */
  statuses?: number[];
  /** Check every POST's signature as the README's receiver does; a bad one is answered 401. */
  verify?: { secret: string; nowSeconds?: () => number };
}

type SignatureCheck = (headers: IncomingHttpHeaders, raw: Buffer, secret: string) => boolean;

/**
 * The README's receiver code (its js block defining fromGateway), run as written, so the
 * README cannot drift from what the service sends. `Date` is handed in: the receiver's clock.
 */
function readmeSignatureCheck(nowSeconds: number): SignatureCheck {
  const readme = readFileSync(join(PROJECT_ROOT, 'README.md'), 'utf8');
  const jsBlocks = readme.split('```js\n').slice(1).map((rest) => rest.slice(0, rest.indexOf('```')));
  const block = jsBlocks.find((code) => code.includes('function fromGateway'));
  const IMPORT = "import { createHmac, timingSafeEqual } from 'node:crypto';";
  if (!block?.includes(IMPORT)) assert.fail('README.md has no js block importing node:crypto and defining fromGateway');
  const define = new Function('createHmac', 'timingSafeEqual', 'Date', `${block.replace(IMPORT, '')}\nreturn fromGateway;`);
  return define(createHmac, timingSafeEqual, { now: () => nowSeconds * 1000 }) as SignatureCheck;
}

/**
 * Whether a delivery holds up for a receiver whose clock reads `nowSeconds`: the HMAC of
 * "<timestamp>.<raw body>" matches X-STG-Signature and the timestamp is at most 5 minutes off.
 */
export function signatureHolds(secret: string, headers: IncomingHttpHeaders, raw: Buffer, nowSeconds: number): boolean {
  return readmeSignatureCheck(nowSeconds)(headers, raw, secret);
}

/** An HTTP server on 127.0.0.1 recording every POST it gets; closed when the test ends. */
export async function startReceiver<Body = unknown>(t: TestContext, options: ReceiverOptions = {}) {
  const statuses = [...(options.statuses ?? [])];
  const received: ReceivedCallback<Body>[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const raw = Buffer.concat(chunks);
      const entry: ReceivedCallback<Body> = { path: req.url ?? '', headers: req.headers, raw, body: JSON.parse(raw.toString('utf8')) };
      const { verify } = options;
      if (verify) {
        const nowSeconds = verify.nowSeconds?.() ?? Math.floor(Date.now() / 1000);
        entry.verified = signatureHolds(verify.secret, req.headers, raw, nowSeconds);
      }
      received.push(entry);
      res.statusCode = entry.verified === false ? 401 : (statuses.shift() ?? 200);
      res.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.after(() => new Promise<void>((resolve) => server.close(() => resolve())));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  /** Resolves once `count` POSTs arrived. */
  async function got(count: number): Promise<ReceivedCallback<Body>[]> {
    await waitUntil(() => received.length >= count, () => `${count} callbacks (the receiver got ${received.length})`, {
      timeoutMs: 20_000,
    });
    return received;
  }
  return { base, received, got };
}
