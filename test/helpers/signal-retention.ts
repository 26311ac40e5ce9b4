import { getEventListeners } from 'node:events';

/**
 * What a long-lived signal keeps for the calls made with it: its abort listeners, and the
 * signals `AbortSignal.any()` made from it, which Node 20 records on it (a Set under the
 * symbol `kDependantSignals`) until it aborts or is collected. call-signal.test.ts checks
 * that this still sees Node's record, so a test using it cannot pass by not looking.
 */
export function retainedBy(signal: AbortSignal): { listeners: number; dependants: number } {
  const record = Object.getOwnPropertySymbols(signal).find((symbol) => symbol.description === 'kDependantSignals');
  const dependants = record === undefined ? undefined : (signal as unknown as Record<symbol, Set<unknown> | undefined>)[record];
  return { listeners: getEventListeners(signal, 'abort').length, dependants: dependants?.size ?? 0 };
}
