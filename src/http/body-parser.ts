import type { FastifyInstance } from 'fastify';

/**
 * JSON bodies, where an empty body means "no body": Butler callers (curl without -d, load
 * scripts) send `Content-Type: application/json` with nothing after it, which Fastify's
 * default parser refuses.
 */
export function acceptEmptyJsonBodies(app: FastifyInstance): void {
  const parseJson = app.getDefaultJsonParser('error', 'error');
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
    const text = body.toString();
    if (text.trim() === '') {
      done(null, undefined);
      return;
    }
    parseJson(request, text, done);
  });
}
