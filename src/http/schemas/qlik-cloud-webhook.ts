import Type from 'typebox';
import { errorResponse } from './error.js';

export const WebhookAnswer = Type.Object(
  {
    received: Type.Literal(true),
    reloadId: Type.Optional(Type.String({ description: 'The reload a reload-finished event was about.' })),
    ignored: Type.Optional(Type.String({ description: 'Why the event was acknowledged without being used (another event type).' })),
  },
  { description: 'The event was signed with the webhook secret and taken.' },
);

export const WebhookErrorResponse = errorResponse(
  '401 (ERR_UNAUTHORIZED): Qlik-Signature is missing or is not the HMAC-SHA256 of the body with ' +
    'Butler.qlikCloud.webhook.secret; nothing was done. 400: a signed body that is not a reload-finished event ' +
    'Qlik Cloud would send (not JSON, no data.id, data.appId or data.status). 415: not application/json.',
);
