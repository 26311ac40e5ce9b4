/**
 * The signal of one call: aborted when any of its sources is (with that source's reason).
 * Call `release()` when the call has ended, so the sources keep nothing of it.
 *
 * Not `AbortSignal.any()`: on Node 20 that records each signal it makes on every source and
 * forgets it only when the source aborts or is collected, so a source living as long as
 * the process (a client's "closing" signal) keeps a record of every call ever made. Here
 * each source gets a listener that release() removes.
 */
export interface CallSignal {
  readonly signal: AbortSignal;
  release(): void;
}

export function callSignal(...sources: ReadonlyArray<AbortSignal | undefined>): CallSignal {
  const controller = new AbortController();
  const linked: AbortSignal[] = [];
  const release = (): void => {
    for (const source of linked) source.removeEventListener('abort', onAbort);
    linked.length = 0;
  };
  function onAbort(event: Event): void {
    release();
    controller.abort((event.target as AbortSignal).reason);
  }
  for (const source of sources) {
    if (source === undefined) continue;
    if (source.aborted) {
      release();
      controller.abort(source.reason);
      break;
    }
    source.addEventListener('abort', onAbort);
    linked.push(source);
  }
  return { signal: controller.signal, release };
}
