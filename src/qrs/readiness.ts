/**
 * Readiness over `GET /qrs/about`, cached so a probe endpoint polled often (or by many
 * callers at once) asks QRS at most once per cache period.
 */
import type { QrsClient } from './types.js';

export interface QrsReadinessResult {
  readonly ready: boolean;
  readonly detail: string;
  /** ISO time of the QRS probe this result came from. */
  readonly checkedAt: string;
}

export interface QrsReadiness {
  check(): Promise<QrsReadinessResult>;
}

export interface QrsReadinessOptions {
  readonly cacheMs: number;
  /** Clock in epoch milliseconds; injectable for tests. */
  readonly now?: () => number;
}

export function createQrsReadiness(client: Pick<QrsClient, 'about'>, options: QrsReadinessOptions): QrsReadiness {
  const now = options.now ?? Date.now;
  let cached: { readonly result: QrsReadinessResult; readonly at: number } | undefined;
  let inFlight: Promise<QrsReadinessResult> | undefined;

  async function probe(): Promise<QrsReadinessResult> {
    const at = now();
    const checkedAt = new Date(at).toISOString();
    let result: QrsReadinessResult;
    try {
      const about = await client.about();
      result = { ready: true, detail: `QRS ${about.buildVersion} answered`, checkedAt };
    } catch (error) {
      // The client already logged the failure; readiness only reports it.
      result = { ready: false, detail: error instanceof Error ? error.message : String(error), checkedAt };
    }
    cached = { result, at };
    return result;
  }

  function check(): Promise<QrsReadinessResult> {
    if (cached !== undefined && now() - cached.at < options.cacheMs) return Promise.resolve(cached.result);
    inFlight ??= probe().finally(() => {
      inFlight = undefined;
    });
    return inFlight;
  }

  return { check };
}
