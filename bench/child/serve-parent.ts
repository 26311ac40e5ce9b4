import type { FromChild, ToChild } from './messages.js';

function send(message: FromChild): void {
  process.send?.(message);
}

/** Collecting garbage first (node runs with --expose-gc) makes memory samples compare live data. */
function sampleUsage(collectGarbage: boolean): FromChild {
  if (collectGarbage) globalThis.gc?.();
  const { rss, heapUsed } = process.memoryUsage();
  const { user, system } = process.cpuUsage();
  return { kind: 'usage', rssBytes: rss, heapUsedBytes: heapUsed, cpuMicros: user + system };
}

/**
 * The child side of the IPC channel: reports the URL it listens on, answers usage
 * samples (memory, CPU time), and closes the server when asked or when the bench process goes away.
 */
export function serveParent(url: string, close: () => Promise<void>): void {
  let closing: Promise<void> | undefined;
  const shutDown = (): Promise<void> =>
    (closing ??= close().finally(() => {
      if (process.connected) process.disconnect();
    }));
  process.on('message', (message: ToChild) => {
    if (message.kind === 'usage') send(sampleUsage(message.collectGarbage));
    else if (message.kind === 'close') void shutDown();
  });
  // A bench process that died must not leave a server behind.
  process.once('disconnect', () => void shutDown());
  send({ kind: 'ready', url });
}

/** Reports a start-up failure to the bench process and exits. */
export function reportStartFailure(error: unknown): void {
  send({ kind: 'failed', message: error instanceof Error ? (error.stack ?? error.message) : String(error) });
  process.exitCode = 1;
  if (process.connected) process.disconnect();
}
