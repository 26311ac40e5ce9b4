export { readWebhookEvent, RELOAD_FINISHED_EVENT_TYPE, signatureMatches, type WebhookEvent } from './event.js';
export { createLocalReloadFinishedHub, type ReloadFinishedHub, type ReloadFinishedListener } from './hub.js';
export { createRedisReloadFinishedHub, type RedisHubOptions } from './redis-hub.js';
