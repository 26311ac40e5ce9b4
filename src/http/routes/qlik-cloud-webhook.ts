/**
 * POST /v4/qlikcloud/webhook: Qlik Cloud's reload-finished events. Qlik Cloud cannot send one
 * of our API keys, so the `Qlik-Signature` HMAC of the raw body is this endpoint's
 * authentication (the scope table lists it as open for that reason): without the right
 * signature nothing is read or done. A signed event for a reload someone waits on ends the
 * wait at once, in every instance sharing the hub; any other is acknowledged and ignored.
 */
import type { FastifyPluginAsync } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { BadRequestError } from '../../errors.js';
import { readWebhookEvent, signatureMatches, type ReloadFinishedHub } from '../../reloadevents/index.js';
import { UnauthorizedError } from '../auth/index.js';
import { UnsupportedMediaTypeError } from '../body-parser.js';
import { WebhookAnswer, WebhookErrorResponse } from '../schemas/qlik-cloud-webhook.js';

export const QLIK_CLOUD_WEBHOOK_URL = '/v4/qlikcloud/webhook';

export interface QlikCloudWebhookOptions {
  /** Butler.qlikCloud.webhook.secret. */
  readonly secret: string;
  readonly events: ReloadFinishedHub;
}

function parseJson(raw: Buffer): unknown {
  try {
    return JSON.parse(raw.toString('utf8'));
  } catch {
    throw new BadRequestError('body must be a JSON CloudEvent (got text that is not JSON)');
  }
}

export const qlikCloudWebhookRoutes: FastifyPluginAsync<QlikCloudWebhookOptions> = async (fastify, opts) => {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  // The signature is over the bytes as sent, so this route reads them unparsed (the server's body limit still applies).
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('application/json', { parseAs: 'buffer' }, (_request, body, done) => done(null, body));
  app.addContentTypeParser('*', (request, _payload, done) => done(new UnsupportedMediaTypeError(request.headers['content-type'] ?? '')));

  app.post(
    QLIK_CLOUD_WEBHOOK_URL,
    {
      schema: {
        summary: "Qlik Cloud's reload-finished events (webhook)",
        description:
          'Extension. Register this URL in Qlik Cloud as a webhook for `com.qlik.v1.reload.finished` with a secret ' +
          '(Butler.qlikCloud.webhook.secret). No API key: Qlik Cloud cannot send one, so every event must carry ' +
          '`Qlik-Signature`, the lowercase hex HMAC-SHA256 of the raw body keyed with that secret; anything else is a ' +
          '401 and changes nothing. An event ends the waits (and sends the callbacks) on its reload at once, on every ' +
          'instance sharing the Redis key-value backend; polling remains the fallback for lost events.',
        tags: ['Qlik Cloud'],
        // No API key: the signature authenticates (overrides the document's global security).
        security: [],
        response: { 200: WebhookAnswer, '4xx': WebhookErrorResponse },
      },
    },
    async (request) => {
      const raw = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
      if (!signatureMatches(raw, request.headers['qlik-signature'], opts.secret)) {
        request.log.warn(`Qlik Cloud webhook: refused an event from ${request.ip} whose Qlik-Signature is missing or wrong`);
        throw new UnauthorizedError('Qlik-Signature is missing or does not match the body (Butler.qlikCloud.webhook.secret)');
      }
      const event = readWebhookEvent(parseJson(raw));
      if (event.kind === 'ignored') {
        request.log.info(`Qlik Cloud webhook: event acknowledged and ignored: ${event.reason}`);
        return { received: true as const, ignored: event.reason };
      }
      const { reload } = event;
      request.log.info({ reloadId: reload.id, appId: reload.appId, status: reload.status }, `Qlik Cloud webhook: reload ${reload.id} of app ${reload.appId} ended ${reload.status}`);
      await opts.events.publish(reload);
      return { received: true as const, reloadId: reload.id };
    },
  );
};
