import Type from 'typebox';
import { errorResponse } from './error.js';

const NAMESPACE = Type.String({
  minLength: 1,
  description: 'Namespace; often an app ID or free text. URL-encode it in the path (a space is `%20`).',
  examples: ['MyFineNamespace', 'Sales app'],
});
const KEY = Type.String({ minLength: 1, description: 'Key within the namespace.', examples: ['AnImportantKey'] });
const VALUE = Type.String({ description: 'The value; may be an empty string.', examples: ['TheValue'] });

/**
 * A TTL as callers send it; parseTtl (src/kvstore/ttl.ts) reads it. String first: the
 * validator coerces into the first type that fits, and a numeric coercion would accept
 * "0x10" as 16, which parseTtl refuses.
 */
export const TtlInput = Type.Union([Type.String(), Type.Integer({ minimum: 0 }), Type.Null()], {
  description:
    'Time to live in milliseconds, counted from this write. Load scripts may send it as a string ' +
    '(`"60000"`); `0`, `""`, null or absent means no expiry.',
  examples: [60000, '60000', ''],
});

export const NamespaceParams = Type.Object({ namespace: NAMESPACE });
export const NamespaceKeyParams = Type.Object({ namespace: NAMESPACE, key: KEY });
export const KeyQuery = Type.Object({ key: KEY });

export const SetPairBody = Type.Object(
  {
    key: KEY,
    value: VALUE,
    ttl: Type.Optional(TtlInput),
  },
  { description: 'The pair to store. A new write replaces the value and the TTL.' },
);

export const PairResponse = Type.Object(
  { namespace: NAMESPACE, key: KEY, value: VALUE },
  { description: 'The stored pair.' },
);

export const SetPairResponse = Type.Object(
  {
    namespace: NAMESPACE,
    key: KEY,
    value: VALUE,
    ttl: Type.Integer({ minimum: 0, description: 'TTL in milliseconds as stored; 0 = no expiry.', examples: [60000] }),
  },
  { description: 'The pair as stored; sent only once it is durably stored.' },
);

export const KeyExistsResponse = Type.Object(
  {
    keyExists: Type.Boolean(),
    keyValue: Type.Object(
      {
        namespace: Type.Optional(NAMESPACE),
        key: Type.Optional(KEY),
        value: Type.Optional(VALUE),
      },
      { description: 'The pair when it exists, else `{}`.' },
    ),
  },
  {
    description: 'Whether the key exists. A missing namespace is not an error here: it answers `keyExists: false`.',
    examples: [
      { keyExists: true, keyValue: { namespace: 'MyFineNamespace', key: 'AnImportantKey', value: 'TheValue' } },
      { keyExists: false, keyValue: {} },
    ],
  },
);

export const KeyListResponse = Type.Object(
  {
    namespace: NAMESPACE,
    keys: Type.Array(Type.Object({ key: KEY }), { description: 'Live keys of the namespace, sorted.' }),
  },
  { description: 'The keys of a namespace (JSON; Butler sent the same text as text/plain).' },
);

export const NamespacesResponse = Type.Array(Type.String(), {
  description: 'Namespaces holding at least one live (not expired) pair, sorted.',
  examples: [['MyFineNamespace', 'Sales app']],
});

export const KeyValueErrorResponse = errorResponse(
  '400: bad input (`ERR_BAD_REQUEST`, or `ERR_KV_LIMIT` for a namespace/key longer than ' +
    'maxNamespaceLength/maxKeyLength); 404: namespace or key not found (`ERR_KV_NOT_FOUND`); 409: ' +
    'maxKeysPerNamespace or maxNamespaces reached (`ERR_KV_LIMIT`); 413: value longer than maxValueLength ' +
    '(`ERR_KV_LIMIT`); 503: store disabled (`ERR_KV_DISABLED`) or its backend failed (`ERR_KV_UNAVAILABLE`).',
);

export const DeletedResponse = Type.Null({ description: 'Deleted; no body.' });
