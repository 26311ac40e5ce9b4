/**
 * Errors of the key-value store. Limit refusals are 4xx (the caller can fix the request),
 * an unavailable or disabled store is 503 (the caller can retry later or ask an admin).
 * Malformed input (empty name, bad TTL) is the service-wide BadRequestError (400).
 *
 * | class                 | code               | status | when                                                    |
 * | --------------------- | ------------------ | ------ | ------------------------------------------------------- |
 * | KvLimitError          | ERR_KV_LIMIT       | 409    | maxKeysPerNamespace / maxNamespaces would be exceeded    |
 * | KvLimitError          | ERR_KV_LIMIT       | 400    | namespace or key longer than maxNamespaceLength / maxKeyLength |
 * | KvLimitError          | ERR_KV_LIMIT       | 413    | value longer than maxValueLength                         |
 * | KvNotFoundError       | ERR_KV_NOT_FOUND   | 404    | (HTTP only) the namespace or key does not exist          |
 * | KvUnavailableError    | ERR_KV_UNAVAILABLE | 503    | the backend (SQLite file, Redis) failed or the store is closed |
 * | KvDisabledError       | ERR_KV_DISABLED    | 503    | Butler.keyValueStore.enable is false                     |
 */
import { ServiceError } from '../errors.js';

/** Base of the key-value errors, so callers can tell them from other ServiceErrors. */
export abstract class KvError extends ServiceError {}

export type KvLimitName = 'maxKeysPerNamespace' | 'maxNamespaces' | 'maxKeyLength' | 'maxValueLength' | 'maxNamespaceLength';

export class KvLimitError extends KvError {
  readonly limit: KvLimitName;
  /** The Butler YAML key that sets the limit. */
  readonly configKey: string;

  constructor(limit: KvLimitName, statusCode: 400 | 409 | 413, message: string) {
    super('ERR_KV_LIMIT', statusCode, message);
    this.limit = limit;
    this.configKey = `Butler.keyValueStore.${limit}`;
  }
}

/** A new key would take a namespace past maxKeysPerNamespace (overwriting a live key never does). */
export function namespaceFullError(namespace: string, liveKeys: number, max: number): KvLimitError {
  return new KvLimitError(
    'maxKeysPerNamespace',
    409,
    `namespace ${JSON.stringify(namespace)} holds ${liveKeys} keys; adding more would exceed ` +
      `the limit of ${max} keys per namespace (Butler.keyValueStore.maxKeysPerNamespace)`,
  );
}

/** A new namespace would take the store past maxNamespaces. */
export function tooManyNamespacesError(liveNamespaces: number, max: number): KvLimitError {
  return new KvLimitError(
    'maxNamespaces',
    409,
    `the store holds ${liveNamespaces} namespaces; adding more would exceed the limit of ${max} ` +
      `namespaces (Butler.keyValueStore.maxNamespaces)`,
  );
}

/** A namespace, key or value is longer than its limit; lengths are in UTF-16 code units, as JavaScript counts. */
export function tooLongError(what: 'namespace' | 'key' | 'value', length: number, max: number): KvLimitError {
  const limit: KvLimitName = what === 'namespace' ? 'maxNamespaceLength' : what === 'key' ? 'maxKeyLength' : 'maxValueLength';
  return new KvLimitError(
    limit,
    what === 'value' ? 413 : 400,
    `${what} is ${length} characters long; the limit is ${max} (Butler.keyValueStore.${limit})`,
  );
}

/** Used by the HTTP routes: "not found" is an ordinary return value of the store. */
export class KvNotFoundError extends KvError {
  constructor(namespace: string, key?: string) {
    super(
      'ERR_KV_NOT_FOUND',
      404,
      key === undefined
        ? `namespace ${JSON.stringify(namespace)} not found`
        : `key ${JSON.stringify(key)} not found in namespace ${JSON.stringify(namespace)}`,
    );
  }
}

/** The backend failed; the original error is kept as `cause` (and logged by the store, once per outage). */
export class KvUnavailableError extends KvError {
  readonly backend: string;

  constructor(backend: string, cause: unknown, message = `the key-value backend (${backend}) failed; try again later`) {
    super('ERR_KV_UNAVAILABLE', 503, message, { cause });
    this.backend = backend;
  }
}

export class KvDisabledError extends KvError {
  constructor() {
    super('ERR_KV_DISABLED', 503, 'key-value store is disabled (Butler.keyValueStore.enable is false)');
  }
}
