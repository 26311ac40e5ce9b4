/**
 * Reload-finished events shared by every instance on one Redis: an event that reaches one
 * instance (the proxy chose it) ends the waits on that reload in all of them. Events go over
 * Redis pub/sub on a dedicated subscriber connection (a subscribed connection can do nothing
 * else). Redis is trusted like for the key-value store: what it carries is taken as published.
 * Redis being down costs only time: the other instances see the reload end at their next poll.
 */
import { randomUUID } from 'node:crypto';
import type { Logger } from 'winston';
import type { CloudReload } from '../qlikcloud/types.js';
import { connectWithinTimeout, createReconnectingRedisClient, redisAddress, withDeadline } from '../redis/index.js';
import { createLocalListeners, type ReloadFinishedHub } from './hub.js';

const PUBLISH_TIMEOUT_MS = 2000;

export interface RedisHubOptions {
  readonly url: string;
  /** The channel is `<keyPrefix>:qlik-cloud:reload-finished`. */
  readonly keyPrefix: string;
  readonly logger: Logger;
}

interface Message {
  /** The instance that published it: it has already told its own listeners. */
  readonly origin: string;
  readonly reload: CloudReload;
}

const isText = (value: unknown): value is string => typeof value === 'string';
const isTimeOrNull = (value: unknown): value is string | null => value === null || isText(value);

/** The reload of a message from another instance, or undefined for anything else on the channel. */
function reloadOf(message: string): { origin: string; reload: CloudReload } | undefined {
  let parsed: Partial<Message>;
  try {
    parsed = JSON.parse(message) as Partial<Message>;
  } catch {
    return undefined;
  }
  const reload = parsed.reload as Partial<CloudReload> | undefined;
  if (!isText(parsed.origin) || typeof reload !== 'object' || reload === null) return undefined;
  const { id, appId, status, startTime, endTime } = reload;
  if (!isText(id) || !isText(appId) || !isText(status) || !isTimeOrNull(startTime) || !isTimeOrNull(endTime)) return undefined;
  return {
    origin: parsed.origin,
    reload: { id, appId, status, partial: reload.partial === true, creationTime: null, startTime, endTime, log: null },
  };
}

export async function createRedisReloadFinishedHub(options: RedisHubOptions): Promise<ReloadFinishedHub> {
  const { logger } = options;
  const where = redisAddress(options.url);
  const channel = `${options.keyPrefix}:qlik-cloud:reload-finished`;
  const instance = randomUUID();
  const local = createLocalListeners();
  const publisher = createReconnectingRedisClient(options.url);
  const subscriber = createReconnectingRedisClient(options.url);
  // Each failed reconnect emits 'error'; publishing reports an outage when it matters.
  publisher.on('error', () => undefined);
  subscriber.on('error', () => undefined);

  const onMessage = (message: string): void => {
    const received = reloadOf(message);
    if (received !== undefined && received.origin !== instance) local.deliver(received.reload);
  };
  // node-redis subscribes again by itself after a reconnect; this covers a first connect that
  // came late (Redis down at startup).
  let subscription: Promise<void> | undefined;
  const subscribe = (): Promise<void> => {
    subscription ??= subscriber.subscribe(channel, onMessage).catch((error: unknown) => {
      subscription = undefined;
      throw error;
    });
    return subscription;
  };
  subscriber.on('ready', () => void subscribe().catch(() => undefined));

  const [published, subscribed] = await Promise.all([connectWithinTimeout(publisher), connectWithinTimeout(subscriber)]);
  const listening = subscribed && (await subscribe().then(() => true, () => false));
  if (!published || !listening) {
    logger.warn(
      `Qlik Cloud reload-finished events: Redis at ${where} is not reachable yet; events reach only the instance ` +
        'they were sent to (the others learn by polling) until it is',
    );
  }
  let failingSince: string | undefined;

  return {
    async publish(reload) {
      local.deliver(reload);
      try {
        await withDeadline(publisher.publish(channel, JSON.stringify({ origin: instance, reload } satisfies Message)), PUBLISH_TIMEOUT_MS);
        if (failingSince !== undefined) logger.info(`Qlik Cloud reload-finished events reach the other instances again (failing since ${failingSince})`);
        failingSince = undefined;
      } catch (error) {
        // One warning per outage.
        if (failingSince === undefined) {
          const reason = error instanceof Error ? error.message : String(error);
          logger.warn(`Qlik Cloud reload-finished events could not be shared through Redis at ${where} (${reason}); other instances learn by polling`);
        }
        failingSince ??= new Date().toISOString();
      }
    },
    subscribe: local.subscribe,
    async close() {
      for (const client of [subscriber, publisher]) {
        if (!client.isOpen) continue;
        if (client.isReady) await client.close().catch(() => client.destroy());
        else client.destroy();
      }
    },
  };
}
