/**
 * What this process knows about its own starts, so that a start whose answer was lost is never
 * credited with an execution that belongs to another of its requests (lost-start.ts): the
 * starts still waiting for their outcome, and the execution sessions already handed out.
 * One ledger per app; callers give every time (epoch ms, our clock), so it holds no clock.
 *
 * Memory stays bounded: a lost start only looks at executions that began at most the clock
 * allowance before its request, and QRS's clock may differ from ours by as much again, so a
 * session claimed more than twice the allowance before the oldest start still waiting (or,
 * with none waiting, before the latest time given) can never matter again and is forgotten.
 * A cap on claimed sessions covers a start that stays unsettled for long; past it the oldest
 * claims go first.
 */

export interface PendingStart {
  /** When the start was sent. */
  readonly requestedAt: number;
  /** Other starts of the same task still waiting for their outcome. */
  othersOfTask(): number;
  /** The start's outcome is settled (started, failed or unconfirmed); idempotent. */
  settle(): void;
}

export interface StartLedger {
  /** A start of `taskId` about to be sent at `requestedAt`; settle it once its outcome is known. */
  open(taskId: string, requestedAt: number): PendingStart;
  /** `sessionId` was handed to a request at `at`: no lost start may be credited with it. */
  claim(sessionId: string, at: number): void;
  isClaimed(sessionId: string): boolean;
}

export interface StartLedgerOptions {
  /** How far QRS's clock may be from ours (lost-start.ts's CLOCK_ALLOWANCE_MS). */
  readonly allowanceMs: number;
  /** Most claimed sessions kept. */
  readonly maxClaims?: number;
}

/** Far more than the starts a process makes while one of them settles, yet a few MB at most. */
const DEFAULT_MAX_CLAIMS = 100_000;

export function createStartLedger(options: StartLedgerOptions): StartLedger {
  const maxClaims = options.maxClaims ?? DEFAULT_MAX_CLAIMS;
  // Both in insertion order, which is time order: the oldest entry is always the first.
  const pending = new Map<number, { readonly taskId: string; readonly requestedAt: number }>();
  const claims = new Map<string, number>();
  let nextId = 0;
  let latest = Number.NEGATIVE_INFINITY;

  function forgetOld(): void {
    const oldestPending = pending.values().next();
    const cutoff = (oldestPending.done ? latest : oldestPending.value.requestedAt) - 2 * options.allowanceMs;
    for (const [sessionId, claimedAt] of claims) {
      if (claimedAt >= cutoff && claims.size <= maxClaims) break;
      claims.delete(sessionId);
    }
  }

  return {
    open(taskId, requestedAt) {
      const id = nextId++;
      const key = taskId.toLowerCase();
      pending.set(id, { taskId: key, requestedAt });
      latest = Math.max(latest, requestedAt);
      return {
        requestedAt,
        othersOfTask() {
          let others = 0;
          for (const [otherId, start] of pending) if (otherId !== id && start.taskId === key) others++;
          return others;
        },
        settle() {
          pending.delete(id);
        },
      };
    },
    claim(sessionId, at) {
      const key = sessionId.toLowerCase();
      // Re-inserted, so the map stays in time order.
      claims.delete(key);
      claims.set(key, at);
      latest = Math.max(latest, at);
      forgetOld();
    },
    isClaimed: (sessionId) => claims.has(sessionId.toLowerCase()),
  };
}
