import type { FastifyInstance } from 'fastify';
import type { KeyValueStoreSettings, StartTaskSettings } from '../config/settings.js';
import { ServiceError } from '../errors.js';
import { KvLimitError, type KvLimitName } from '../kvstore/index.js';

export class InputTooLongError extends ServiceError {
  constructor(message: string) {
    super('ERR_INPUT_TOO_LONG', 400, message);
  }
}

interface LengthLimit {
  readonly max: number;
  readonly configKey: string;
  readonly tooLong: (message: string) => ServiceError;
}

/** A key-value length refused as the store refuses it (ERR_KV_LIMIT, 400). */
function kvLimit(limit: KvLimitName, max: number): LengthLimit {
  return { max, configKey: `Butler.keyValueStore.${limit}`, tooLong: (message) => new KvLimitError(limit, 400, message) };
}

function check(where: string, name: string, value: unknown, limit: LengthLimit | undefined): void {
  if (limit !== undefined && typeof value === 'string' && value.length > limit.max) {
    throw limit.tooLong(`${where} ${name} is ${value.length} characters long; the limit is ${limit.max} (${limit.configKey})`);
  }
}

/**
 * Refuses, before the body is read and before any lookup, a URL parameter (task ID,
 * namespace, key) or a `key` query parameter longer than its configured limit. Runs after
 * authorization, so a caller without a key learns nothing about the limits. Bodies are
 * checked where they are parsed (start items, the store).
 */
export function limitInputLengths(
  app: FastifyInstance,
  settings: { startTask: StartTaskSettings; keyValueStore: KeyValueStoreSettings },
): void {
  const { startTask, keyValueStore: kv } = settings;
  const params: Record<string, LengthLimit> = {
    taskId: { max: startTask.maxFieldLength, configKey: 'Butler.startTask.maxFieldLength', tooLong: (message) => new InputTooLongError(message) },
    namespace: kvLimit('maxNamespaceLength', kv.maxNamespaceLength),
    key: kvLimit('maxKeyLength', kv.maxKeyLength),
  };
  const queryKey = kvLimit('maxKeyLength', kv.maxKeyLength);
  app.addHook('onRequest', async (request) => {
    for (const [name, value] of Object.entries((request.params as Record<string, unknown> | undefined) ?? {})) {
      check('URL parameter', name, value, params[name]);
    }
    if (request.routeOptions.url?.startsWith('/v4/keyvalues/')) {
      check('query parameter', 'key', (request.query as Record<string, unknown> | undefined)?.key, queryKey);
    }
  });
}

/**
 * Fastify's router answers a URL parameter longer than its maxParamLength itself, outside
 * every hook: no security headers, no request log, no audit line, and a body echoing the
 * whole URL. It is set above anything node:http accepts (16 KiB of headers, the URL
 * included), so every parameter reaches the hook above and is refused there like any input.
 */
export const ROUTER_PARAM_LENGTH = 65_536;
