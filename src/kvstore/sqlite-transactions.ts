import { ServiceError } from '../errors.js';

export type SqlQuery = (sql: string, ...parameters: unknown[]) => Promise<unknown[]>;

export interface SerialTransactions {
  /**
   * Runs `work` inside a write transaction and resolves with its result once that
   * transaction has committed. Work throws a ServiceError only before it has written
   * anything (a refused request): that work alone fails. Any other error rolls back the
   * whole transaction and fails every work in it.
   */
  run<T>(work: () => Promise<T>): Promise<T>;
}

interface Job {
  work: () => Promise<unknown>;
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
  settled: boolean;
}

// Bounds how long one transaction holds the write lock.
const MAX_JOBS_PER_TRANSACTION = 256;

/**
 * Group commit on one SQLite connection: work queued while a transaction commits goes into
 * the next one, so a burst of concurrent writes costs one fsync per transaction instead of
 * one per write. Work runs one at a time, so a limit check and the write it allows are
 * never interleaved with another write.
 */
export function createSerialTransactions(query: SqlQuery): SerialTransactions {
  const queue: Job[] = [];
  let running = false;

  function settle(job: Job, outcome: () => void): void {
    if (job.settled) return;
    job.settled = true;
    outcome();
  }

  async function commit(batch: Job[]): Promise<void> {
    const results: Array<{ job: Job; value: unknown }> = [];
    try {
      await query('BEGIN IMMEDIATE');
      for (const job of batch) {
        try {
          results.push({ job, value: await job.work() });
        } catch (error) {
          if (!(error instanceof ServiceError)) throw error;
          settle(job, () => job.reject(error));
        }
      }
      await query('COMMIT');
    } catch (error) {
      await query('ROLLBACK').catch(() => undefined);
      for (const job of batch) settle(job, () => job.reject(error));
      return;
    }
    for (const { job, value } of results) settle(job, () => job.resolve(value));
  }

  async function drain(): Promise<void> {
    try {
      while (queue.length > 0) await commit(queue.splice(0, MAX_JOBS_PER_TRANSACTION));
    } finally {
      running = false;
    }
  }

  return {
    run<T>(work: () => Promise<T>): Promise<T> {
      return new Promise<T>((resolve, reject) => {
        queue.push({ work, resolve: resolve as (value: unknown) => void, reject, settled: false });
        if (!running) {
          running = true;
          void drain();
        }
      });
    },
  };
}
