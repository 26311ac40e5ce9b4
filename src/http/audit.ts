import { createHash } from 'node:crypto';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { loggableUrl } from '../callbacks/index.js';
import { callerLabel, callerOf } from './auth/index.js';

type AuditedAction = 'startTasks' | 'setKeyValue' | 'deleteKey' | 'deleteNamespace';

const AUDITED_ROUTES: readonly { methods: readonly string[]; url: string; action: AuditedAction }[] = [
  { methods: ['PUT', 'POST'], url: '/v4/reloadtask/:taskId/start', action: 'startTasks' },
  { methods: ['POST'], url: '/v4/keyvalues/:namespace', action: 'setKeyValue' },
  { methods: ['DELETE'], url: '/v4/keyvalues/:namespace/:key', action: 'deleteKey' },
  { methods: ['DELETE'], url: '/v4/keyvalues/:namespace', action: 'deleteNamespace' },
];

type Fields = Record<string, unknown>;

function actionOf(request: FastifyRequest): AuditedAction | undefined {
  const url = request.routeOptions.url;
  return AUDITED_ROUTES.find((route) => route.url === url && route.methods.includes(request.method))?.action;
}

function asFields(value: unknown): Fields {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Fields) : {};
}

/** Start items counted by type; a body that is not a list of items counts as what it is. */
function itemCounts(body: unknown): Fields {
  if (body === undefined || body === null) return {};
  if (!Array.isArray(body)) return { notAList: 1 };
  const counts: Record<string, number> = {};
  for (const item of body) {
    const type = asFields(item).type;
    const name = typeof type === 'string' && /^[a-z]{1,40}$/.test(type) ? type : 'malformed';
    counts[name] = (counts[name] ?? 0) + 1;
  }
  return counts;
}

/** The callback URL as every log line shows it: its query may carry a token. */
function loggedCallbackUrl(raw: unknown): string | undefined {
  if (typeof raw !== 'string') return undefined;
  return URL.canParse(raw) && /^https?:/i.test(raw) ? loggableUrl(raw) : '(not an http or https URL)';
}

/**
 * Enough of an Idempotency-Key's SHA-256 to match a request with its repeats, never the key
 * (`printf %s "$KEY" | sha256sum | cut -c1-12` gives it from the key).
 */
function idempotencyKeyHash(header: string | string[] | undefined): string | undefined {
  if (header === undefined) return undefined;
  const key = Array.isArray(header) ? header.join(', ') : header;
  return createHash('sha256').update(key).digest('hex').slice(0, 12);
}

/**
 * What the caller asked for, never a key-value *value* (user data: its length is logged).
 * The body is absent when the request was refused before it was read.
 */
function askedFor(action: AuditedAction, request: FastifyRequest): Fields {
  const params = asFields(request.params);
  switch (action) {
    case 'startTasks':
      return {
        taskId: params.taskId,
        allTaskIdsMustExist: asFields(request.query).allTaskIdsMustExist,
        items: itemCounts(request.body),
        callbackUrl: loggedCallbackUrl(asFields(request.query).callbackUrl),
        idempotencyKeyHash: idempotencyKeyHash(request.headers['idempotency-key']),
      };
    case 'setKeyValue': {
      const body = asFields(request.body);
      return {
        namespace: params.namespace,
        key: typeof body.key === 'string' ? body.key : undefined,
        valueLength: typeof body.value === 'string' ? body.value.length : undefined,
        ttl: typeof body.ttl === 'number' || typeof body.ttl === 'string' ? String(body.ttl).slice(0, 20) : undefined,
      };
    }
    case 'deleteKey':
      return { namespace: params.namespace, key: params.key };
    case 'deleteNamespace':
      return { namespace: params.namespace };
  }
}

/**
 * What the service did: the status, the error code of a refusal, the tasks a start started.
 * An Idempotency-Key repeat (`replayed`) started nothing, whatever the replayed answer lists.
 */
function outcomeOf(action: AuditedAction, statusCode: number, answer: unknown, replayed: boolean): Fields {
  const body = asFields(answer);
  const outcome: Fields = { statusCode };
  if (typeof body.code === 'string') outcome.code = body.code;
  if (replayed) {
    outcome.replayed = true;
    outcome.started = [];
  } else if (action === 'startTasks' && statusCode === 200) {
    const list = (value: unknown): unknown[] => (Array.isArray(value) ? value : []);
    const tasksId = asFields(body.tasksId);
    outcome.started = list(body.executions).map((execution) => asFields(execution).taskId);
    outcome.invalid = list(tasksId.invalid).length;
    outcome.denied = list(tasksId.denied).length + list(body.tasksTagDenied).length + list(body.tasksCPDenied).length;
    outcome.failed = list(body.tasksFailed).length;
    outcome.unconfirmed = list(body.tasksUnconfirmed).length;
  }
  return outcome;
}

/**
 * One structured line (`audit: true`) per start request and per key-value write or delete,
 * whatever its outcome, refusals included: time (the log timestamp), caller, client address,
 * what was asked and what was done.
 */
export function auditWrites(app: FastifyInstance): void {
  const answers = new WeakMap<FastifyRequest, unknown>();
  app.addHook('preSerialization', async (request, _reply, payload) => {
    if (actionOf(request) !== undefined) answers.set(request, payload);
    return payload;
  });
  app.addHook('onResponse', async (request, reply) => {
    const action = actionOf(request);
    if (action === undefined) return;
    const caller = callerLabel(callerOf(request));
    const replayed = reply.getHeader('idempotent-replayed') === 'true';
    const outcome = outcomeOf(action, reply.statusCode, answers.get(request), replayed);
    request.log.info(
      { audit: true, action, clientIp: request.ip, asked: askedFor(action, request), outcome },
      `audit: ${caller} from ${request.ip} ${action} ${request.method} ${request.url.split('?')[0]} -> ${reply.statusCode}`,
    );
  });
}
