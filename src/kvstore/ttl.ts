import { BadRequestError } from '../errors.js';

const DIGITS = /^\d+$/;

function shown(input: unknown): string {
  return typeof input === 'string' ? JSON.stringify(input.length > 40 ? `${input.slice(0, 40)}…` : input) : String(input);
}

/**
 * A TTL in milliseconds as callers send it. Load scripts build JSON by concatenation, so
 * the TTL may arrive as a numeric string, and an unset TTL as `""`. Absent, null, `""`
 * and 0 mean "no expiry" (0). Throws a BadRequestError whose message is only the reason
 * (callers prefix the field's name).
 */
export function parseTtl(input: unknown): number {
  if (input === undefined || input === null) return 0;
  if (typeof input === 'string') {
    const text = input.trim();
    if (text === '') return 0;
    if (!DIGITS.test(text)) throw new BadRequestError(`${shown(input)} is not a whole number of milliseconds`);
    return checked(Number(text), input);
  }
  if (typeof input === 'number') return checked(input, input);
  throw new BadRequestError(`expected a number of milliseconds or a numeric string, got a ${typeof input}`);
}

function checked(ttl: number, input: unknown): number {
  if (!Number.isInteger(ttl) || ttl < 0) {
    throw new BadRequestError(`${shown(input)} is not a whole number of milliseconds ≥ 0`);
  }
  if (!Number.isSafeInteger(ttl)) throw new BadRequestError(`${shown(input)} is too large`);
  return ttl;
}
