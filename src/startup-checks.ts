import type { Logger } from 'winston';
import type { QlikCloudTenantSettings, QrsSettings, ServerSettings } from './config/settings.js';
import { ConfigError } from './errors.js';
import type { QlikCloudClient } from './qlikcloud/types.js';
import type { QrsClient } from './qrs/types.js';

const LISTEN_PROBLEMS: Record<string, string> = {
  EADDRINUSE: 'the port is already in use by another program',
  EADDRNOTAVAIL: 'this machine has no such address',
  EACCES: 'this user may not use that port',
  ENOTFOUND: 'the host name does not resolve',
  EAI_AGAIN: 'the host name could not be resolved',
};

/** A listen failure as the one-line config error an operator can act on; other errors unchanged. */
export function listenFailure(error: unknown, server: Pick<ServerSettings, 'host' | 'port'>): unknown {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  const problem = code === undefined ? undefined : LISTEN_PROBLEMS[code];
  if (problem === undefined) return error;
  return new ConfigError(
    'Butler.restServerConfig.serverHost',
    `cannot listen on ${server.host}:${server.port} (Butler.restServerConfig.serverHost and serverPort): ${problem} (${code})`,
    { cause: error },
  );
}

/**
 * Asks QRS once who it is, so the start-up log says at once whether the certificate and the
 * address work. Never fatal: QRS may come up after the service. Resolves when logged.
 */
export async function reportQrs(qrs: Pick<QrsClient, 'about'>, settings: Pick<QrsSettings, 'host' | 'port'>, logger: Logger, stopping: () => boolean): Promise<void> {
  const where = `${settings.host}:${settings.port}`;
  try {
    const about = await qrs.about();
    logger.info(`QRS at ${where} answers, version ${about.buildVersion}`);
  } catch (error) {
    if (stopping()) return;
    const reason = error instanceof Error ? error.message : String(error);
    logger.warn(`QRS at ${where} does not answer yet (the service keeps running and will ask again per request): ${reason}`);
  }
}

/**
 * Asks the Qlik Cloud tenant once whether it answers our credentials, so the start-up log says
 * at once whether the tenant URL and the key work. Never fatal, as for QRS.
 */
export async function reportQlikCloud(
  client: Pick<QlikCloudClient, 'probe'>,
  settings: Pick<QlikCloudTenantSettings, 'tenantUrl'>,
  logger: Logger,
  stopping: () => boolean,
): Promise<void> {
  const where = new URL(settings.tenantUrl).origin;
  try {
    await client.probe();
    logger.info(`Qlik Cloud at ${where} answers`);
  } catch (error) {
    if (stopping()) return;
    const reason = error instanceof Error ? error.message : String(error);
    logger.warn(`Qlik Cloud at ${where} does not answer yet (the service keeps running and will ask again per request): ${reason}`);
  }
}
