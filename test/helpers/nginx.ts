import { spawn, type ChildProcess } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { chmod, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { freePort, PROJECT_ROOT } from './process.js';

/** The committed nginx config docker-compose.yml mounts; the tests render this very file. */
export const NGINX_TEMPLATE = 'deploy/nginx/sense-task-gateway.conf.template';

const INSTALL_HINT =
  'nginx is not installed; the reverse-proxy tests need a real nginx. Install it with ' +
  '`apt-get install -y --no-install-recommends nginx-light` (npm test installs it when run as root).';
const SBIN_DIRS = ['/usr/local/sbin', '/usr/sbin', '/sbin'];
const START_TIMEOUT_MS = 15000;
const STOP_GRACE_MS = 5000;

/** Fills every `${NAME}` placeholder, as envsubst does; a placeholder without a value is an error. */
export function renderTemplate(template: string, values: Readonly<Record<string, string>>): string {
  return template.replace(/\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g, (_whole, name: string) => {
    const value = values[name];
    if (value === undefined) throw new Error(`${NGINX_TEMPLATE}: no value for the placeholder \${${name}}`);
    return value;
  });
}

/** The `${NAME}` placeholders a template uses. */
export function placeholdersOf(template: string): string[] {
  return [...new Set([...template.matchAll(/\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g)].map((match) => match[1]!))].sort();
}

function nginxBinary(): string {
  const dirs = [...(process.env.PATH ?? '').split(delimiter).filter(Boolean), ...SBIN_DIRS];
  for (const dir of dirs) {
    const candidate = join(dir, 'nginx');
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not in this folder
    }
  }
  throw new Error(INSTALL_HINT);
}

export interface RunningNginx {
  readonly url: string;
  readonly port: number;
  /** nginx's error log so far (for failure messages). */
  errorLog(): Promise<string>;
  /** SIGTERM (nginx's fast shutdown: the master stops its workers), SIGKILL after a grace period. */
  stop(): Promise<void>;
}

/** A complete nginx.conf around the rendered template, with every path inside `dir`. */
function mainConfig(dir: string, site: string): string {
  return [
    'daemon off;',
    'worker_processes 1;',
    `pid ${dir}/nginx.pid;`,
    `error_log ${dir}/error.log notice;`,
    'events { worker_connections 256; }',
    'http {',
    `    access_log ${dir}/access.log;`,
    `    client_body_temp_path ${dir}/client_body;`,
    `    proxy_temp_path ${dir}/proxy;`,
    `    fastcgi_temp_path ${dir}/fastcgi;`,
    `    uwsgi_temp_path ${dir}/uwsgi;`,
    `    scgi_temp_path ${dir}/scgi;`,
    `    include ${site};`,
    '}',
    '',
  ].join('\n');
}

/**
 * Starts a real nginx in the foreground with the committed template, listening on a free
 * 127.0.0.1 port, round robin over `upstreams` (host:port). Everything it writes goes to a
 * temporary folder, removed by stop(). Fails, never skips, when nginx is missing.
 */
export async function startNginx(upstreams: readonly [string, string]): Promise<RunningNginx> {
  const binary = nginxBinary();
  const template = await readFile(join(PROJECT_ROOT, NGINX_TEMPLATE), 'utf8');
  for (let attempt = 1; ; attempt++) {
    const dir = await mkdtemp(join(tmpdir(), 'stg-nginx-'));
    // Workers of a root master run as an unprivileged user and write temp files in here.
    await chmod(dir, 0o755);
    try {
      return await startIn(dir, binary, template, upstreams);
    } catch (error) {
      await rm(dir, { recursive: true, force: true });
      // A free port can be taken between freePort() and nginx's bind.
      const taken = error instanceof Error && error.message.includes('Address already in use');
      if (!taken || attempt === 3) throw error;
    }
  }
}

async function startIn(dir: string, binary: string, template: string, upstreams: readonly [string, string]): Promise<RunningNginx> {
  const port = await freePort();
  const site = join(dir, 'sense-task-gateway.conf');
  await writeFile(
    site,
    renderTemplate(template, { STG_NGINX_LISTEN: `127.0.0.1:${port}`, STG_GATEWAY_1: upstreams[0], STG_GATEWAY_2: upstreams[1] }),
  );
  const config = join(dir, 'nginx.conf');
  await writeFile(config, mainConfig(dir, site));
  const child = spawn(binary, ['-p', `${dir}/`, '-c', config, '-e', join(dir, 'error.log')], { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const collect = (chunk: Buffer) => void (output += chunk.toString());
  child.stdout!.on('data', collect);
  child.stderr!.on('data', collect);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const errorLog = async () => `${output}${await readFile(join(dir, 'error.log'), 'utf8').catch(() => '')}`;
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), STOP_GRACE_MS);
      await exited;
      clearTimeout(timer);
    }
    await rm(dir, { recursive: true, force: true });
  };
  try {
    await waitUntilListening(child, port, errorLog);
  } catch (error) {
    await stop();
    throw error;
  }
  return { url: `http://127.0.0.1:${port}`, port, errorLog, stop };
}

function canConnect(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

async function waitUntilListening(child: ChildProcess, port: number, errorLog: () => Promise<string>): Promise<void> {
  const failed = new Promise<never>((_resolve, reject) => {
    child.once('error', (error: NodeJS.ErrnoException) => reject(error.code === 'ENOENT' ? new Error(INSTALL_HINT) : error));
  });
  failed.catch(() => undefined);
  const deadline = Date.now() + START_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`nginx exited (${child.exitCode ?? child.signalCode}) before listening on 127.0.0.1:${port}:\n${await errorLog()}`);
    }
    if (await Promise.race([canConnect(port), failed])) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`nginx not listening on 127.0.0.1:${port} after ${START_TIMEOUT_MS} ms:\n${await errorLog()}`);
}
