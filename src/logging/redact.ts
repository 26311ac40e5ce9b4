import winston from 'winston';

export const REDACTED = '[REDACTED]';

/**
 * Field names whose values are credentials, compared lower-cased without `-` and `_`; a name
 * ending in one of these counts too (`x-api-key`, `clientSecret`, `accessToken`). A plain
 * `key` is deliberately absent: key-value store key names are useful in logs and not secret.
 */
const SECRET_NAMES = ['apikey', 'apikeys', 'token', 'authorization', 'password', 'passphrase', 'secret'];

const PEM_MARKER = '-----BEGIN';
// user:password@ in a URL (redis://:pw@host, https://user:pw@host)
const URL_CREDENTIALS = /(\b[a-z][a-z0-9+.-]*:\/\/[^:/@\s]*:)[^@/\s]+@/gi;
const MAX_DEPTH = 16;

export function isSecretName(name: string): boolean {
  const normalized = name.toLowerCase().replace(/[-_]/g, '');
  return SECRET_NAMES.some((secret) => normalized.endsWith(secret));
}

function redactText(text: string): string {
  if (text.includes(PEM_MARKER)) return REDACTED;
  return text.replace(URL_CREDENTIALS, `$1${REDACTED}@`);
}

/**
 * A copy of `value` with secrets blanked: values of secret-named fields, strings holding PEM
 * text (certificate or key contents) and passwords inside URLs. Buffers are never printed
 * (they may be key material); errors keep only name, message and code, because library
 * errors (axios) carry request configs with headers and TLS options.
 */
export function redactValue(value: unknown, depth = 0, seen = new WeakSet<object>()): unknown {
  if (typeof value === 'string') return redactText(value);
  if (typeof value === 'bigint') return value.toString(); // JSON cannot hold a bigint
  if (typeof value !== 'object' || value === null) return value;
  if (Buffer.isBuffer(value) || ArrayBuffer.isView(value)) return `[binary, ${value.byteLength} bytes]`;
  if (seen.has(value)) return '[Circular]';
  if (depth >= MAX_DEPTH) return '[Truncated]';
  seen.add(value);
  if (value instanceof Error) {
    const code = (value as NodeJS.ErrnoException).code;
    return { name: value.name, message: redactText(value.message), ...(code === undefined ? {} : { code }) };
  }
  if (Array.isArray(value)) return value.map((item) => redactValue(item, depth + 1, seen));
  const copy: Record<string, unknown> = {};
  for (const [name, field] of Object.entries(value)) {
    copy[name] = isSecretName(name) ? REDACTED : redactValue(field, depth + 1, seen);
  }
  return copy;
}

/**
 * Winston format applying redactValue to the message and every meta field, so no transport
 * ever sees a secret. It builds new values and never changes the caller's objects.
 */
export const redactSecrets = winston.format((info) => {
  for (const name of Object.keys(info)) {
    if (name === 'level') continue;
    info[name] = isSecretName(name) ? REDACTED : redactValue(info[name]);
  }
  return info;
});
