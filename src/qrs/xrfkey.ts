import { randomInt } from 'node:crypto';

const XRFKEY_ALPHABET = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
const XRFKEY_LENGTH = 16;

/** A fresh cross-site request forgery key: QRS wants 16 chars of [0-9A-Za-z] per call. */
export function createXrfkey(): string {
  let key = '';
  for (let i = 0; i < XRFKEY_LENGTH; i += 1) {
    key += XRFKEY_ALPHABET.charAt(randomInt(XRFKEY_ALPHABET.length));
  }
  return key;
}
