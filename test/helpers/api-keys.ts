import { createHash } from 'node:crypto';
import type { ApiKeySettings, ApiScope, AuthSettings } from '../../src/config/settings.js';

/** The API keys tests present, one per scope; grep-able markers so logs can be searched for them. */
export const KEYS = {
  starter: 'stg-test-key-starter-4c1d9e7a',
  reader: 'stg-test-key-reader-8b2f6a3c',
  writer: 'stg-test-key-writer-1e5a7d9b',
  admin: 'stg-test-key-admin-6f3c2b8e',
} as const;

export type KeyName = keyof typeof KEYS;

export const SCOPES_OF: Record<KeyName, ApiScope[]> = {
  starter: ['startTask'],
  reader: ['kvRead'],
  writer: ['kvWrite'],
  admin: ['admin'],
};

export function sha256Hex(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

export const API_KEYS: ApiKeySettings[] = (Object.keys(KEYS) as KeyName[]).map((name) => ({
  name,
  sha256: sha256Hex(KEYS[name]),
  scopes: SCOPES_OF[name],
}));

/** Auth on with the keys above; health, ready, ping and the documentation open. */
export const AUTH_ON: AuthSettings = {
  enable: true,
  apiKeys: API_KEYS,
  openEndpoints: ['health', 'ready', 'butlerping', 'documentation'],
};

export const bearer = (key: string) => ({ authorization: `Bearer ${key}` });
export const apiKeyHeader = (key: string) => ({ 'x-api-key': key });
