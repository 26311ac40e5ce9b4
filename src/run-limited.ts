import { callSignal } from './call-signal.js';

/**
 * Runs the calls of one lookup with at most `limit` in flight. The first failure cancels
 * the rest (those not yet sent are never sent) and is what the whole rejects with.
 */
export async function runLimited<T>(
  calls: readonly ((signal: AbortSignal) => Promise<T>)[],
  limit: number,
  outer: AbortSignal | undefined,
): Promise<T[]> {
  const failure = new AbortController();
  const lookup = callSignal(outer, failure.signal);
  const { signal } = lookup;
  const results = new Array<T>(calls.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < calls.length) {
      const index = next++;
      results[index] = await (calls[index] as (signal: AbortSignal) => Promise<T>)(signal);
    }
  };
  try {
    await Promise.all(Array.from({ length: Math.min(Math.max(1, limit), calls.length) }, worker));
  } catch (error) {
    failure.abort();
    throw error;
  } finally {
    lookup.release();
  }
  return results;
}
