/**
 * A small Butler config file for tests that start the service as a process. Built as an
 * object and written with js-yaml, so each test states only what it is about.
 */
import { dump } from 'js-yaml';
import { certPathsIn } from '../../src/simulator/index.js';

export interface MinimalButlerOptions {
  /** restServerConfig.serverHost; 127.0.0.1 when not given. */
  host?: string;
  /** restServerConfig.serverPort; 0 lets the system pick (read it with listeningUrl). */
  port: number;
  /**
   * The folder writeCertBundle wrote the client certificate into. A relative folder is
   * written as is, so the service resolves it against the config file's folder.
   */
  certDir: string;
  /** More restServerConfig keys, or ones that replace enable, serverHost and serverPort. */
  restServerConfig?: Record<string, unknown>;
  /** restServerEndpointsEnable; only butlerping when not given. */
  endpoints?: Record<string, boolean>;
  /**
   * false (the default) writes keyValueStore.enable: false, so no SQLite file is made;
   * true leaves the section out, so the store is on with its default SQLite file.
   */
  keyValueStore?: boolean;
  /** More top-level Butler keys (configQRS, logLevel, fileLogging, ...); they win over the above. */
  extra?: Record<string, unknown>;
}

export function minimalButlerYaml(options: MinimalButlerOptions): string {
  const { host = '127.0.0.1', port, certDir, restServerConfig, endpoints, keyValueStore = false, extra } = options;
  const certs = certPathsIn(certDir);
  return dump({
    Butler: {
      restServerConfig: { enable: true, serverHost: host, serverPort: port, ...restServerConfig },
      restServerEndpointsEnable: endpoints ?? { butlerping: true },
      ...(keyValueStore ? {} : { keyValueStore: { enable: false } }),
      cert: { clientCert: certs.clientCert, clientCertKey: certs.clientKey, clientCertCA: certs.ca },
      ...extra,
    },
  });
}
