/**
 * Readiness of one backend over a probe call, cached so a probe endpoint polled often (or by
 * many callers at once) asks the backend at most once per cache period.
 */

export interface ReadinessResult {
  readonly ready: boolean;
  /** What the backend answered, or why it could not be asked. */
  readonly detail: string;
  /** ISO time of the probe this result came from. */
  readonly checkedAt: string;
}

export interface Readiness {
  check(): Promise<ReadinessResult>;
}

export interface ReadinessOptions {
  readonly cacheMs: number;
  /** Clock in epoch milliseconds; injectable for tests. */
  readonly now?: () => number;
}

/** `probe` resolves with the detail of a good answer, or throws why the backend cannot be used. */
export function createCachedReadiness(probe: () => Promise<string>, options: ReadinessOptions): Readiness {
  const now = options.now ?? Date.now;
  let cached: { readonly result: ReadinessResult; readonly at: number } | undefined;
  let inFlight: Promise<ReadinessResult> | undefined;

  async function ask(): Promise<ReadinessResult> {
    const at = now();
    const checkedAt = new Date(at).toISOString();
    let result: ReadinessResult;
    try {
      result = { ready: true, detail: await probe(), checkedAt };
    } catch (error) {
      // The client already logged the failure; readiness only reports it.
      result = { ready: false, detail: error instanceof Error ? error.message : String(error), checkedAt };
    }
    cached = { result, at };
    return result;
  }

  function check(): Promise<ReadinessResult> {
    if (cached !== undefined && now() - cached.at < options.cacheMs) return Promise.resolve(cached.result);
    inFlight ??= ask().finally(() => {
      inFlight = undefined;
    });
    return inFlight;
  }

  return { check };
}
