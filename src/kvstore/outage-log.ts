import type { Logger } from 'winston';

export interface OutageLog {
  failed(error: unknown): void;
  succeeded(): void;
}

function describe(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const code = (error as { code?: unknown }).code;
  return `${error.name}: ${error.message}${typeof code === 'string' ? ` (${code})` : ''}`;
}

/**
 * Logs a backend failure once per outage (not once per failed request, which would flood
 * the log while Redis is down), and the recovery once. Error messages from sqlite3 and
 * node-redis name tables and commands, never bound values.
 */
export function createOutageLog(logger: Logger, backend: string): OutageLog {
  let failing = false;
  return {
    failed(error) {
      if (failing) {
        logger.debug(`key-value backend (${backend}) still failing: ${describe(error)}`);
        return;
      }
      failing = true;
      logger.error(`key-value backend (${backend}) failed: ${describe(error)}; key-value requests answer 503 until it recovers`);
    },
    succeeded() {
      if (!failing) return;
      failing = false;
      logger.info(`key-value backend (${backend}) works again`);
    },
  };
}
