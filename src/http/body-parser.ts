import { errorCodes, type FastifyInstance, type FastifyRequest } from 'fastify';
import { ServiceError } from '../errors.js';

export class UnsupportedMediaTypeError extends ServiceError {
  constructor(contentType: string) {
    super(
      'ERR_UNSUPPORTED_MEDIA_TYPE',
      415,
      `Content-Type "${contentType.slice(0, 100)}" is not accepted: send Content-Type: application/json`,
    );
  }
}

type Done = (error: Error | null, body?: unknown) => void;

/** The charset parameter of a Content-Type header, utf-8 when absent. */
function charsetOf(contentType: string): string {
  return /;\s*charset\s*=\s*"?([^";\s]+)"?/i.exec(contentType)?.[1] ?? 'utf-8';
}

/**
 * JSON bodies, where an empty body means "no body": Butler callers (curl without -d, load
 * scripts) send `Content-Type: application/json` with nothing after it, which Fastify's
 * default parser refuses. .NET clients such as the Qlik REST connector send
 * `text/plain; charset=...` when the data connection sets no Content-Type, and some callers
 * send none at all: both are read as JSON too (refuseCrossSiteChanges keeps browsers' simple
 * text/plain posts from other sites out). Any other type is a 415 before the body is read.
 */
export function acceptJsonBodies(app: FastifyInstance, bodyLimitBytes: number): void {
  const parseJson = app.getDefaultJsonParser('error', 'error');
  const parseText = (request: FastifyRequest, text: string, done: Done): void => {
    if (text.trim() === '') {
      done(null, undefined);
      return;
    }
    parseJson(request, text, done);
  };

  app.removeContentTypeParser(['application/json', 'text/plain']);
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) =>
    parseText(request, body.toString(), done),
  );
  app.addContentTypeParser('text/plain', { parseAs: 'buffer' }, (request, body, done) => {
    const contentType = request.headers['content-type'] ?? '';
    let text: string;
    try {
      text = new TextDecoder(charsetOf(contentType), { fatal: true }).decode(body as Buffer);
    } catch {
      done(new UnsupportedMediaTypeError(contentType));
      return;
    }
    parseText(request, text, done);
  });
  // Everything else, and a body without Content-Type (Fastify looks that up as '*' too).
  app.addContentTypeParser('*', (request, payload, done) => {
    const contentType = request.headers['content-type'];
    if (request.is404) {
      done(null, undefined);
      return;
    }
    if (contentType === undefined || contentType.trim() === '') {
      readWithoutContentType(request, payload, done);
      return;
    }
    done(new UnsupportedMediaTypeError(contentType));
  });

  /** Fastify reads only typed bodies itself; this one is read here, under the same body limit. */
  function readWithoutContentType(request: FastifyRequest, payload: NodeJS.ReadableStream, done: Done): void {
    const tooLarge = () => new errorCodes.FST_ERR_CTP_BODY_TOO_LARGE();
    if (Number(request.headers['content-length']) > bodyLimitBytes) {
      done(tooLarge());
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    let finished = false;
    const finish = (error: Error | null, body?: unknown) => {
      if (finished) return;
      finished = true;
      done(error, body);
    };
    payload.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > bodyLimitBytes) finish(tooLarge());
      else chunks.push(chunk);
    });
    payload.on('error', (error: Error) => finish(error));
    payload.on('end', () => {
      if (!finished) parseText(request, Buffer.concat(chunks).toString('utf8'), finish);
    });
  }
}
