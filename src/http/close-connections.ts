import type { FastifyInstance } from 'fastify';

/**
 * While the app closes, answer in-flight requests with `Connection: close`. Fastify closes
 * the connections that are idle when close() starts; a keep-alive connection whose request
 * was still running would otherwise stay open after its answer and hold shutdown until the
 * grace period ran out.
 */
export function closeConnectionsWhenClosing(app: FastifyInstance): void {
  let closing = false;
  app.addHook('preClose', async () => {
    closing = true;
  });
  app.addHook('onSend', async (_request, reply, payload) => {
    if (closing) reply.header('connection', 'close');
    return payload;
  });
}
