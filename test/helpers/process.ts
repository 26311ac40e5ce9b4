import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';

export const PROJECT_ROOT = fileURLToPath(new URL('../../', import.meta.url));

export interface Spawned {
  child: ChildProcess;
  output: () => string;
  /** Resolves with the exit code (or the signal name) once the process has ended. */
  exited: Promise<number | string>;
  /** Resolves with the first match of `pattern` in stdout+stderr; rejects if the process ends first. */
  waitFor(pattern: RegExp, timeoutMs?: number): Promise<RegExpMatchArray>;
  /** SIGTERM, then SIGKILL if still running after a grace period. */
  stop(): Promise<number | string>;
}

/** Runs a TypeScript entry point of the project (through tsx) as a real child process. */
export function spawnTs(entry: string, args: string[], env: NodeJS.ProcessEnv = {}): Spawned {
  const child = spawn(process.execPath, ['--import', 'tsx', entry, ...args], {
    cwd: PROJECT_ROOT,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let text = '';
  const listeners = new Set<() => void>();
  const onData = (chunk: Buffer) => {
    text += chunk.toString();
    for (const listener of listeners) listener();
  };
  child.stdout!.on('data', onData);
  child.stderr!.on('data', onData);
  const exited = new Promise<number | string>((resolve) =>
    child.once('exit', (code, signal) => {
      resolve(code ?? signal ?? -1);
      for (const listener of listeners) listener();
    }),
  );

  const waitFor = (pattern: RegExp, timeoutMs = 20000) =>
    new Promise<RegExpMatchArray>((resolve, reject) => {
      const check = () => {
        const match = text.match(pattern);
        if (match) return finish(() => resolve(match));
        if (child.exitCode !== null || child.signalCode !== null) {
          finish(() => reject(new Error(`process ended before printing ${pattern}:\n${text}`)));
        }
      };
      const timer = setTimeout(() => finish(() => reject(new Error(`timed out waiting for ${pattern}:\n${text}`))), timeoutMs);
      const finish = (settle: () => void) => {
        clearTimeout(timer);
        listeners.delete(check);
        settle();
      };
      listeners.add(check);
      check();
    });

  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 10000);
      await exited;
      clearTimeout(timer);
    }
    return exited;
  };

  return { child, output: () => text, exited, waitFor, stop };
}

/**
 * The base URL main.ts reports once listening (`REST API listening on <url>,`): start it with
 * serverPort 0 and read the port the system picked, instead of guessing a free one. Starting
 * tsx and the service took over 20 s on a loaded 2-core machine, hence the longer wait.
 */
export async function listeningUrl(spawned: Spawned, timeoutMs = 45_000): Promise<string> {
  const [, url] = await spawned.waitFor(/REST API listening on (https?:\/\/[^\s,]+),/, timeoutMs);
  return url!;
}

/**
 * A TCP port that was free a moment ago on 127.0.0.1, for a server that cannot report the
 * port it bound (redis-server's --port 0 turns TCP off). Callers retry when it was taken.
 */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
