import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe, it } from 'node:test';
import { readCertBundle, type CertPaths } from '../../src/simulator/index.js';
import { qrsRequest } from './qrs-request.js';

const CLI = fileURLToPath(new URL('../../src/simulator/cli.ts', import.meta.url));

describe('simulator CLI', () => {
  let dir: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'stg-sim-cli-'));
  });
  after(() => rm(dir, { recursive: true, force: true }));

  it('generates certs, serves QRS on the given port and stops cleanly on SIGTERM', async (t) => {
    const child = spawn(process.execPath, ['--import', 'tsx', CLI, '--certs', dir, '--port', '0'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    t.after(() => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    });
    let output = '';
    child.stdout.setEncoding('utf8');
    const url = await new Promise<string>((resolve, reject) => {
      child.stdout.on('data', (chunk: string) => {
        output += chunk;
        const match = /listening on (https:\/\/127\.0\.0\.1:(\d+))/.exec(output);
        if (match?.[1] !== undefined) resolve(match[1]);
      });
      child.once('exit', (code) => reject(new Error(`CLI exited with ${code} before listening: ${output}`)));
    });

    const paths: CertPaths = {
      dir,
      ca: join(dir, 'root.pem'),
      clientCert: join(dir, 'client.pem'),
      clientKey: join(dir, 'client_key.pem'),
      serverCert: join(dir, 'server.pem'),
      serverKey: join(dir, 'server_key.pem'),
    };
    const certs = await readCertBundle(paths);
    assert.match(await readFile(paths.ca, 'utf8'), /BEGIN CERTIFICATE/);
    const port = Number(new URL(url).port);
    const answer = await qrsRequest({ port }, certs, { path: '/qrs/about' });
    assert.equal(answer.status, 200);

    child.kill('SIGTERM');
    const [code] = (await once(child, 'exit')) as [number | null];
    assert.equal(code, 0);
  });

  it('prints usage and fails without --certs', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', CLI], { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
    const [code] = (await once(child, 'exit')) as [number | null];
    assert.equal(code, 2);
    assert.match(output, /^usage: /);
  });
});
