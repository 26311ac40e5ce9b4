import type { FastifyPluginAsync } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { KeyValueStoreSettings } from '../../config/settings.js';
import { BadRequestError } from '../../errors.js';
import { KvDisabledError, KvNotFoundError, parseTtl } from '../../kvstore/index.js';
import type { KvStore } from '../../kvstore/types.js';
import {
  DeletedResponse,
  KeyExistsResponse,
  KeyListResponse,
  KeyQuery,
  KeyValueErrorResponse,
  NamespaceKeyParams,
  NamespaceParams,
  NamespacesResponse,
  PairResponse,
  SetPairBody,
  SetPairResponse,
} from '../schemas/keyvalues.js';

export interface KeyValueRoutesOptions {
  /** null when Butler.keyValueStore.enable is false: every route then answers 503 ERR_KV_DISABLED. */
  store: KvStore | null;
  settings: KeyValueStoreSettings;
}

const TAGS = ['Key-value store'];

/**
 * Reads what the caller sent before Fastify's validator coerces it: `"value": null` would
 * become "" (a null value is as absent as a missing one; Butler stored nothing for it),
 * and a TTL of -1 would become "-1", which the refusal would then quote as a string.
 */
async function refuseRawBody(request: { body: unknown }): Promise<void> {
  const body = request.body as { value?: unknown; ttl?: unknown } | undefined;
  if (typeof body !== 'object' || body === null) return;
  if (body.value === null) throw new BadRequestError('body.value must be a string (got null)');
  parseTtl(body.ttl, 'body.ttl');
}

/** The 404 for a missing pair says whether the namespace or only the key is missing. */
async function notFound(store: KvStore, namespace: string, key: string): Promise<KvNotFoundError> {
  return (await store.listKeys(namespace)) === undefined ? new KvNotFoundError(namespace) : new KvNotFoundError(namespace, key);
}

/** Butler's key-value endpoints (same paths and JSON); differences from Butler are in the reference's "ours" column. */
export const keyValueRoutes: FastifyPluginAsync<KeyValueRoutesOptions> = async (fastify, opts) => {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  const { settings } = opts;
  const storeOrRefuse = (): KvStore => {
    if (opts.store === null) throw new KvDisabledError();
    return opts.store;
  };
  const failures = { 400: KeyValueErrorResponse, 404: KeyValueErrorResponse, 503: KeyValueErrorResponse };

  app.get(
    '/v4/keyvaluesnamespaces',
    {
      schema: {
        summary: 'List namespaces (Butler compatible)',
        tags: TAGS,
        response: { 200: NamespacesResponse, 503: KeyValueErrorResponse },
      },
    },
    async () => storeOrRefuse().listNamespaces(),
  );

  app.get(
    '/v4/keyvalues/:namespace',
    {
      schema: {
        summary: 'Get the value of a key (Butler compatible)',
        description: 'Load scripts read `value` from the JSON root. 404 names whether the namespace or the key is missing.',
        tags: TAGS,
        params: NamespaceParams,
        querystring: KeyQuery,
        response: { 200: PairResponse, ...failures },
      },
    },
    async (request) => {
      const store = storeOrRefuse();
      const { namespace } = request.params;
      const { key } = request.query;
      const pair = await store.get(namespace, key);
      if (!pair) throw await notFound(store, namespace, key);
      return { namespace, key, value: pair.value };
    },
  );

  app.get(
    '/v4/keyvalues/:namespace/keyexists',
    {
      schema: {
        summary: 'Does a key exist? (Butler compatible)',
        tags: TAGS,
        params: NamespaceParams,
        querystring: KeyQuery,
        response: { 200: KeyExistsResponse, 400: KeyValueErrorResponse, 503: KeyValueErrorResponse },
      },
    },
    async (request) => {
      const { namespace } = request.params;
      const { key } = request.query;
      const pair = await storeOrRefuse().get(namespace, key);
      return pair ? { keyExists: true, keyValue: { namespace, key, value: pair.value } } : { keyExists: false, keyValue: {} };
    },
  );

  app.post(
    '/v4/keyvalues/:namespace',
    {
      schema: {
        summary: 'Store a key-value pair (Butler compatible)',
        description:
          'Answers 201 only once the pair is durably stored. Limits (Butler.keyValueStore): namespace ≤ ' +
          `${settings.maxNamespaceLength} and key ≤ ${settings.maxKeyLength} characters (400), value ≤ ` +
          `${settings.maxValueLength} characters (413), ${settings.maxKeysPerNamespace} keys per namespace and ` +
          `${settings.maxNamespaces} namespaces (409; overwriting an existing key is always allowed).`,
        tags: TAGS,
        params: NamespaceParams,
        body: SetPairBody,
        response: {
          201: SetPairResponse,
          400: KeyValueErrorResponse,
          409: KeyValueErrorResponse,
          413: KeyValueErrorResponse,
          503: KeyValueErrorResponse,
        },
      },
      preValidation: refuseRawBody,
    },
    async (request, reply) => {
      const store = storeOrRefuse();
      const { key, value, ttl } = request.body;
      const pair = await store.set(request.params.namespace, key, value, parseTtl(ttl, 'body.ttl'));
      return reply.code(201).send(pair);
    },
  );

  app.delete(
    '/v4/keyvalues/:namespace/:key',
    {
      schema: {
        summary: 'Delete a key (Butler compatible)',
        description: 'Load scripts send this as POST with `X-HTTP-Method-Override: DELETE`.',
        tags: TAGS,
        params: NamespaceKeyParams,
        response: { 204: DeletedResponse, ...failures },
      },
    },
    async (request, reply) => {
      const store = storeOrRefuse();
      const { namespace, key } = request.params;
      if (!(await store.delete(namespace, key))) throw await notFound(store, namespace, key);
      return reply.code(204).send(null);
    },
  );

  app.delete(
    '/v4/keyvalues/:namespace',
    {
      schema: {
        summary: 'Delete a namespace and all its keys (Butler compatible)',
        description: 'Load scripts send this as POST with `X-HTTP-Method-Override: DELETE`.',
        tags: TAGS,
        params: NamespaceParams,
        response: { 204: DeletedResponse, ...failures },
      },
    },
    async (request, reply) => {
      const { namespace } = request.params;
      if (!(await storeOrRefuse().deleteNamespace(namespace))) throw new KvNotFoundError(namespace);
      return reply.code(204).send(null);
    },
  );

  app.get(
    '/v4/keylist/:namespace',
    {
      schema: {
        summary: 'List the keys of a namespace (Butler compatible, as JSON)',
        tags: TAGS,
        params: NamespaceParams,
        response: { 200: KeyListResponse, ...failures },
      },
    },
    async (request) => {
      const { namespace } = request.params;
      const keys = await storeOrRefuse().listKeys(namespace);
      if (keys === undefined) throw new KvNotFoundError(namespace);
      return { namespace, keys: keys.map((key) => ({ key })) };
    },
  );
};
