/**
 * Maps items through an async function with at most `limit` calls in flight, keeping the
 * results in input order. A rejection rejects the whole map once the calls already in
 * flight have settled, and starts no further calls.
 */
export async function mapConcurrently<T, R>(
  items: readonly T[],
  limit: number,
  fn: (item: T) => Promise<R>,
): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  let failed = false;
  const worker = async (): Promise<void> => {
    while (!failed && next < items.length) {
      const index = next++;
      try {
        results[index] = await fn(items[index] as T);
      } catch (error) {
        failed = true;
        throw error;
      }
    }
  };
  const workers = Array.from({ length: Math.min(Math.max(1, limit), items.length) }, worker);
  const outcomes = await Promise.allSettled(workers);
  const rejection = outcomes.find((o): o is PromiseRejectedResult => o.status === 'rejected');
  if (rejection) throw rejection.reason;
  return results;
}
