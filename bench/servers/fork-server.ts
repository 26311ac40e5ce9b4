import { fork, type ChildProcess } from 'node:child_process';
import { isFromChild, type FromChild, type ToChild, type UsageSample } from '../child/messages.js';

export interface ServerChild {
  /** Base URL the child listens on. */
  url: string;
  /** The child's memory (after a garbage collection when asked) and CPU time so far. */
  usage(opts: { collectGarbage: boolean }): Promise<UsageSample>;
  /** Asks the child to close its server and waits for it to exit. */
  close(): Promise<void>;
}

const START_TIMEOUT_MS = 30_000;
const EXIT_TIMEOUT_MS = 15_000;

function nextMessage<K extends FromChild['kind']>(
  child: ChildProcess,
  kinds: readonly K[],
  timeoutMs: number,
): Promise<Extract<FromChild, { kind: K }>> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => finish(() => reject(new Error(`no ${kinds.join('/')} message from child ${child.pid} within ${timeoutMs} ms`))), timeoutMs);
    const onMessage = (message: unknown) => {
      if (isFromChild(message) && (kinds as readonly string[]).includes(message.kind)) {
        finish(() => resolve(message as Extract<FromChild, { kind: K }>));
      }
    };
    const onExit = (code: number | null) => finish(() => reject(new Error(`child ${child.pid} exited (code ${code}) before answering`)));
    const finish = (settle: () => void) => {
      clearTimeout(timer);
      child.off('message', onMessage);
      child.off('exit', onExit);
      settle();
    };
    child.on('message', onMessage);
    child.once('exit', onExit);
  });
}

function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => child.once('exit', () => resolve()));
}

/**
 * Runs a compiled server entry point (bench/child/*-main) in its own process, so it has a
 * core to itself and its memory is its own; the load generator stays here.
 */
export async function forkServer(entry: string, args: readonly string[], nodeFlags: readonly string[]): Promise<ServerChild> {
  const child = fork(entry, [...args], {
    execArgv: ['--expose-gc', ...nodeFlags],
    // stdout is /dev/null: the service's log lines are written (a real write per line) and dropped.
    stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
  });
  if (child.pid === undefined) throw new Error(`could not start ${entry}`);
  let started: FromChild;
  try {
    started = await nextMessage(child, ['ready', 'failed'], START_TIMEOUT_MS);
  } catch (error) {
    child.kill('SIGKILL');
    throw error;
  }
  if (started.kind === 'failed') {
    await exited(child);
    throw new Error(`server child failed to start:\n${started.message}`);
  }

  const ask = (message: ToChild) => child.send(message);
  let closing: Promise<void> | undefined;
  return {
    url: started.url,
    async usage({ collectGarbage }) {
      const answer = nextMessage(child, ['usage'], START_TIMEOUT_MS);
      ask({ kind: 'usage', collectGarbage });
      const { rssBytes, heapUsedBytes, cpuMicros } = await answer;
      return { rssBytes, heapUsedBytes, cpuMicros };
    },
    close() {
      closing ??= (async () => {
        const done = exited(child);
        if (child.connected) ask({ kind: 'close' });
        const timer = setTimeout(() => child.kill('SIGKILL'), EXIT_TIMEOUT_MS);
        await done;
        clearTimeout(timer);
      })();
      return closing;
    },
  };
}
