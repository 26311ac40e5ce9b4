import { readFileSync } from 'node:fs';
import { createSecureContext, type SecureContext, type SecureContextOptions } from 'node:tls';
import { ConfigError } from '../errors.js';
import type { QrsSettings } from '../config/settings.js';

const CERT_KEY = 'Butler.cert.clientCert';
const KEY_KEY = 'Butler.cert.clientCertKey';
const CA_KEY = 'Butler.cert.clientCertCA';

function errorCode(error: unknown): string {
  return (error as NodeJS.ErrnoException).code ?? 'unknown error';
}

function readPem(keyPath: string, filePath: string): Buffer {
  try {
    return readFileSync(filePath);
  } catch (error) {
    throw new ConfigError(keyPath, `${keyPath}: cannot read certificate file ${filePath} (${errorCode(error)})`, {
      cause: error,
    });
  }
}

// Messages name the file and OpenSSL's code only: PEM contents must never reach a log.
function requireUsable(keyPath: string, problem: string, options: SecureContextOptions): void {
  try {
    createSecureContext(options);
  } catch (error) {
    throw new ConfigError(keyPath, `${keyPath}: ${problem} (${errorCode(error)})`, { cause: error });
  }
}

/**
 * Reads the QMC-exported client.pem, client_key.pem and root.pem once, at startup, checks
 * TLS can use them (a bad file fails the start, not every QRS call), and returns them as
 * one TLS context. Handing the agent a context instead of PEM options keeps the key out of
 * every JS object an error or its cause can reach, so no error serializer can log it.
 */
export function createClientSecureContext(settings: QrsSettings): SecureContext {
  const cert = readPem(CERT_KEY, settings.clientCert);
  const key = readPem(KEY_KEY, settings.clientCertKey);
  const ca = readPem(CA_KEY, settings.clientCertCA);
  requireUsable(CERT_KEY, `${settings.clientCert} is not a PEM certificate`, { cert });
  requireUsable(KEY_KEY, `${settings.clientCertKey} is not a PEM private key`, { key });
  requireUsable(KEY_KEY, `${settings.clientCertKey} is not the key of ${settings.clientCert}`, { cert, key });
  // OpenSSL silently ignores a CA file without certificates; verification would then
  // fail on every call with a less helpful TLS error.
  if (settings.rejectUnauthorized && !ca.includes('-----BEGIN CERTIFICATE-----')) {
    throw new ConfigError(CA_KEY, `${CA_KEY}: ${settings.clientCertCA} holds no PEM certificate`);
  }
  return createSecureContext({ cert, key, ca });
}
