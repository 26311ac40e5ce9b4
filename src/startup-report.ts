import type { Settings } from './config/settings.js';

/** Where log files go, as an absolute path (the working directory of a service is rarely obvious). */
export function describeLogFiles(settings: Settings): string {
  const { fileLogging, directory } = settings.logging;
  return fileLogging ? `log files in ${directory}` : `no log files (Butler.fileLogging is false; the folder would be ${directory})`;
}

/** Where key-value pairs live; never a Redis password. */
export function describeKvStore(settings: Settings): string {
  const kv = settings.keyValueStore;
  if (!kv.enable) return 'key-value store disabled (Butler.keyValueStore.enable is false)';
  switch (kv.backend) {
    case 'sqlite':
      return `key-value store in SQLite file ${kv.sqlite.path}`;
    case 'redis':
      return `key-value store in Redis at ${redisAddress(kv.redis.url)}`;
    case 'memory':
      return 'key-value store in memory (pairs are lost when the service stops)';
  }
}

function redisAddress(url: string): string {
  try {
    const parsed = new URL(url);
    return `${parsed.protocol}//${parsed.host}${parsed.pathname === '/' ? '' : parsed.pathname}`;
  } catch {
    return '(an unparsable URL)';
  }
}
