import { BadRequestError, kindOf } from '../errors.js';

const DIGITS = /^\d+$/;
const NEGATIVE = /^-\d+(\.\d+)?$/;

function shown(input: unknown): string {
  return typeof input === 'string' ? JSON.stringify(input.length > 40 ? `${input.slice(0, 40)}…` : input) : String(input);
}

/**
 * A TTL in milliseconds as callers send it. Load scripts build JSON by concatenation, so
 * the TTL may arrive as a numeric string, and an unset TTL as `""`. Absent, null, `""`
 * and 0 mean "no expiry" (0). Refusals read `<where> must <rule> (got <input>)`.
 */
export function parseTtl(input: unknown, where = 'ttl'): number {
  const refuse = (rule: string, got = shown(input)) => new BadRequestError(`${where} must ${rule} (got ${got})`);
  if (input === undefined || input === null) return 0;
  if (typeof input === 'string') {
    const text = input.trim();
    if (text === '') return 0;
    if (NEGATIVE.test(text)) throw refuse('be 0 or more');
    if (!DIGITS.test(text)) throw refuse('be a whole number of milliseconds');
    return checked(Number(text), refuse);
  }
  if (typeof input === 'number') return checked(input, refuse);
  throw refuse('be a number of milliseconds or a numeric string', kindOf(input));
}

function checked(ttl: number, refuse: (rule: string) => BadRequestError): number {
  if (ttl < 0) throw refuse('be 0 or more');
  if (!Number.isInteger(ttl)) throw refuse('be a whole number of milliseconds');
  if (!Number.isSafeInteger(ttl)) throw refuse(`be at most ${Number.MAX_SAFE_INTEGER}`);
  return ttl;
}
