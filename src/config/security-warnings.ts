import { trustsEveryone } from './proxy-addresses.js';
import type { Settings } from './settings.js';

const LOOPBACK_HOSTS = new Set(['localhost', '::1', '[::1]']);

/** True when only this machine can reach `host` (127.0.0.0/8, ::1, localhost). */
export function isLoopbackHost(host: string): boolean {
  return LOOPBACK_HOSTS.has(host.toLowerCase()) || /^127(\.\d{1,3}){3}$/.test(host);
}

/**
 * Risky but valid combinations of settings, one message each, for the log at startup: the
 * service still starts (a plain Butler file must), but nobody should miss these lines.
 */
export function securityWarnings(settings: Settings): string[] {
  const { server, startTask, qrs } = settings;
  const warnings: string[] = [];
  const exposed = !isLoopbackHost(server.host);
  const where = `${server.host}:${server.port}`;
  if (exposed && !server.auth.enable) {
    warnings.push(
      `SECURITY: caller authentication is OFF and the REST API listens on ${where}, beyond this machine: ` +
        'anyone who can reach it can start reload tasks and read and overwrite key-value pairs. ' +
        'Set Butler.restServerConfig.auth.enable: true and list API keys in auth.apiKeys ' +
        '(README, "Securing the service").',
    );
  }
  if (exposed && server.auth.enable && !server.tls.enable) {
    warnings.push(
      `SECURITY: API keys travel in clear text: the REST API listens on ${where} over plain HTTP. ` +
        'Enable Butler.restServerConfig.tls.',
    );
  }
  if (exposed && server.rateLimit.maxPerMinute === 0) {
    warnings.push(`SECURITY: rate limiting is off (Butler.restServerConfig.rateLimit.maxPerMinute is 0) on ${where}.`);
  }
  const everyone = server.trustProxy.find(trustsEveryone);
  if (everyone !== undefined) {
    warnings.push(
      `SECURITY: Butler.restServerConfig.trustProxy lists ${everyone}, which trusts X-Forwarded-For from every ` +
        'caller: anyone can choose the client address that logs, the audit trail and rate limits see. ' +
        'List only the reverse proxies\' addresses.',
    );
  }
  if (startTask.callback.allowedUrlPrefixes.length > 0 && startTask.callback.secret === null) {
    warnings.push(
      'SECURITY: callbacks are on but unsigned (Butler.startTaskCallback.secret is not set): a receiver cannot ' +
        'tell a callback from this service from a forged one. Set a secret (or STG_CALLBACK_SECRET) and check ' +
        'X-STG-Signature in the receiver (README, "Knowing when the reload finished").',
    );
  }
  if (startTask.maxWaitingRequests >= server.maxConnections) {
    warnings.push(
      `SECURITY: Butler.startTask.maxWaitingRequests (${startTask.maxWaitingRequests}) is not below ` +
        `Butler.restServerConfig.maxConnections (${server.maxConnections}): wait=true requests can hold every ` +
        'connection and lock out /health, /ready and every other caller. Keep it well below maxConnections.',
    );
  }
  if (!qrs.enable) return warnings;
  if (!qrs.useSSL) {
    warnings.push(
      `SECURITY: QRS at ${qrs.host}:${qrs.port} is called over plain HTTP (Butler.configQRS.useSSL is false).`,
    );
  } else if (!qrs.rejectUnauthorized) {
    warnings.push(
      `SECURITY: QRS's server certificate is not verified (Butler.configQRS.rejectUnauthorized is false): ` +
        `a machine posing as ${qrs.host}:${qrs.port} would be trusted. Set it to true to verify QRS against ` +
        `Butler.cert.clientCertCA (the root.pem exported with the client certificate).`,
    );
  }
  return warnings;
}
