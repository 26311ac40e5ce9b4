/**
 * Child process: the ceiling to compare against, a bare Fastify server whose routes return
 * a constant shaped like a key-value answer. Same machine, same load generator, same
 * connection count as the service, so "ratio to baseline" isolates the service's own work.
 */
import type { AddressInfo } from 'node:net';
import Fastify from 'fastify';
import { BASELINE_PATH } from './baseline-path.js';
import { reportStartFailure, serveParent } from './serve-parent.js';

const CONSTANT_PAIR = { namespace: 'bench', key: 'key-1', value: 'constant value from the baseline route' };

async function main(): Promise<void> {
  const app = Fastify({ logger: false });
  app.get(BASELINE_PATH, async () => CONSTANT_PAIR);
  // Fastify parses the JSON body before the handler runs, as it does for the service's POST.
  app.post(BASELINE_PATH, async (_request, reply) => reply.code(201).send(CONSTANT_PAIR));
  await app.listen({ host: '127.0.0.1', port: 0 });
  const { port } = app.server.address() as AddressInfo;
  serveParent(`http://127.0.0.1:${port}`, () => app.close());
}

main().catch(reportStartFailure);
