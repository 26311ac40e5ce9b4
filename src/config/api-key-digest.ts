import { createHash } from 'node:crypto';

const HASHED_PREFIX = 'sha256:';

/**
 * The lower-case hex SHA-256 of a configured API key: `sha256:<hex>` is already the digest
 * (so config files need not hold the key), anything else is the key itself and is hashed.
 */
export function apiKeyDigest(configured: string): string {
  if (configured.startsWith(HASHED_PREFIX)) return configured.slice(HASHED_PREFIX.length).toLowerCase();
  return createHash('sha256').update(configured, 'utf8').digest('hex');
}
