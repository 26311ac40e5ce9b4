import { createHash, timingSafeEqual } from 'node:crypto';
import type { ApiKeySettings } from '../../config/settings.js';

export type ApiKeyVerifier = (presented: string) => ApiKeySettings | undefined;

/**
 * Finds the configured key a presented key matches. The presented key is hashed and its
 * digest compared with every configured digest in constant time, without stopping at a
 * match, so response times reveal neither whether nor which key matched, nor how much of it.
 */
export function createApiKeyVerifier(keys: readonly ApiKeySettings[]): ApiKeyVerifier {
  const digests = keys.map((entry) => ({ entry, digest: Buffer.from(entry.sha256, 'hex') }));
  return (presented) => {
    const digest = createHash('sha256').update(presented, 'utf8').digest();
    let match: ApiKeySettings | undefined;
    for (const candidate of digests) {
      if (timingSafeEqual(candidate.digest, digest) && match === undefined) match = candidate.entry;
    }
    return match;
  };
}
