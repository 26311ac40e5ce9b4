import { BadRequestError, kindOf } from '../errors.js';
import { tooLongError } from './errors.js';

export interface SizeLimits {
  readonly maxNamespaceLength: number;
  readonly maxKeyLength: number;
  readonly maxValueLength: number;
}

// A lone surrogate cannot be stored as UTF-8 (SQLite text, Redis keys) without being replaced.
const LONE_SURROGATE = /\p{Surrogate}/u;

function checkName(what: 'namespace' | 'key', name: string, max: number): void {
  if (typeof name !== 'string') throw new BadRequestError(`${what} must be a string (got ${kindOf(name)})`);
  if (name === '') throw new BadRequestError(`${what} must not be empty (got "")`);
  if (name.length > max) throw tooLongError(what, name.length, max);
  if (LONE_SURROGATE.test(name)) throw new BadRequestError(`${what} must be valid Unicode text (got an unpaired UTF-16 surrogate)`);
}

/** Refuses a pair before it reaches a backend: empty or oversized names, oversized value, bad TTL. */
export function checkPair(namespace: string, key: string, value: string, ttl: number, limits: SizeLimits): void {
  checkName('namespace', namespace, limits.maxNamespaceLength);
  checkName('key', key, limits.maxKeyLength);
  if (typeof value !== 'string') throw new BadRequestError(`value must be a string (got ${kindOf(value)})`);
  if (value.length > limits.maxValueLength) throw tooLongError('value', value.length, limits.maxValueLength);
  if (ttl < 0) throw new BadRequestError(`ttl must be 0 or more (got ${String(ttl)})`);
  if (!Number.isSafeInteger(ttl)) throw new BadRequestError(`ttl must be a whole number of milliseconds (got ${String(ttl)})`);
}
