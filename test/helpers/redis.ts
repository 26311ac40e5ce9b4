import { spawn, type ChildProcess } from 'node:child_process';
import { freePort } from './process.js';

export interface RedisServer {
  readonly port: number;
  readonly url: string;
  /** SIGTERM, then SIGKILL if it has not exited after a grace period. */
  stop(): Promise<void>;
  /** Freezes (SIGSTOP) or thaws (SIGCONT) the server: connections stay open, nothing answers. */
  pause(): void;
  resume(): void;
}

const READY = 'Ready to accept connections';
const START_TIMEOUT_MS = 15000;
const STOP_GRACE_MS = 5000;

const INSTALL_HINT =
  'redis-server is not installed; the Redis tests need a real server. Install it with `apt-get install -y redis-server`.';

function waitForReady(child: ChildProcess, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    let output = '';
    const timer = setTimeout(() => fail(new Error(`redis-server on port ${port} not ready after ${START_TIMEOUT_MS} ms:\n${output}`)), START_TIMEOUT_MS);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes(READY)) finish(resolve);
    };
    const onError = (error: NodeJS.ErrnoException) =>
      fail(error.code === 'ENOENT' ? new Error(INSTALL_HINT) : error);
    const onExit = () => fail(new Error(`redis-server on port ${port} exited before it was ready:\n${output}`));
    const finish = (settle: () => void) => {
      clearTimeout(timer);
      child.stdout?.off('data', onData);
      child.stderr?.off('data', onData);
      child.off('error', onError);
      child.off('exit', onExit);
      settle();
    };
    const fail = (error: Error) => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      finish(() => reject(error));
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.once('error', onError);
    child.once('exit', onExit);
  });
}

/**
 * Starts a throwaway redis-server on 127.0.0.1 (a free port, or `port` to restart one on
 * the same address), without persistence. Fails, never skips, when redis-server is missing.
 */
export async function startRedis(port?: number): Promise<RedisServer> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await startOn(port ?? (await freePort()));
    } catch (error) {
      // A free port can be taken between freePort() and redis-server's bind.
      const taken = error instanceof Error && error.message.includes('Address already in use');
      if (port !== undefined || !taken || attempt === 3) throw error;
    }
  }
}

async function startOn(chosen: number): Promise<RedisServer> {
  const child = spawn('redis-server', ['--port', String(chosen), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const exited = new Promise<void>((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve();
    else child.once('exit', () => resolve());
  });
  await waitForReady(child, chosen);
  // Keep draining output so a chatty server never blocks on a full pipe.
  child.stdout?.resume();
  child.stderr?.resume();

  const running = () => child.exitCode === null && child.signalCode === null;
  return {
    port: chosen,
    url: `redis://127.0.0.1:${chosen}`,
    async stop() {
      if (running()) {
        child.kill('SIGCONT');
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), STOP_GRACE_MS);
        await exited;
        clearTimeout(timer);
      }
    },
    pause: () => void child.kill('SIGSTOP'),
    resume: () => void child.kill('SIGCONT'),
  };
}
