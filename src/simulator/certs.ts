import { access, chmod, mkdir, mkdtemp, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { generate } from 'selfsigned';

/** PEM texts of a private CA, a server cert and a client cert, both signed by that CA. */
export interface CertBundle {
  caCert: string;
  serverCert: string;
  serverKey: string;
  clientCert: string;
  clientKey: string;
}

/** Where a written bundle lives. File names follow what the QMC exports (root/client/client_key). */
export interface CertPaths {
  dir: string;
  ca: string;
  clientCert: string;
  clientKey: string;
  serverCert: string;
  serverKey: string;
}

const FILE_NAMES = {
  ca: 'root.pem',
  clientCert: 'client.pem',
  clientKey: 'client_key.pem',
  serverCert: 'server.pem',
  serverKey: 'server_key.pem',
} as const;

// EC P-256 instead of the RSA 2048 a QMC exports: same TLS behaviour, and key generation is
// fast enough that every test process can make its own CA.
const KEY_OPTIONS = { keyType: 'ec', curve: 'P-256', algorithm: 'sha256' } as const;
const VALIDITY_DAYS = 825;

function validity(): { notBeforeDate: Date; notAfterDate: Date } {
  // Back-date a little so a peer whose clock is slightly behind still accepts the certs.
  const notBeforeDate = new Date(Date.now() - 60 * 60 * 1000);
  const notAfterDate = new Date(notBeforeDate.getTime() + VALIDITY_DAYS * 24 * 60 * 60 * 1000);
  return { notBeforeDate, notAfterDate };
}

/**
 * Generates a fresh CA plus a server cert (SAN localhost, 127.0.0.1, ::1) and a client cert
 * signed by it. Pure JS, so it works wherever Node runs (no openssl CLI).
 */
export async function generateCertBundle(opts: { commonName?: string } = {}): Promise<CertBundle> {
  const caName = opts.commonName ?? 'sense-task-gateway simulator CA';
  const ca = await generate([{ name: 'commonName', value: caName }], {
    ...KEY_OPTIONS,
    ...validity(),
    extensions: [
      { name: 'basicConstraints', cA: true, critical: true },
      { name: 'keyUsage', keyCertSign: true, cRLSign: true, digitalSignature: true, critical: true },
    ],
  });
  const signer = { key: ca.private, cert: ca.cert };

  const server = await generate([{ name: 'commonName', value: 'localhost' }], {
    ...KEY_OPTIONS,
    ...validity(),
    ca: signer,
    extensions: [
      { name: 'basicConstraints', cA: false },
      { name: 'keyUsage', digitalSignature: true, keyEncipherment: true, critical: true },
      { name: 'extKeyUsage', serverAuth: true },
      {
        name: 'subjectAltName',
        altNames: [
          { type: 2, value: 'localhost' },
          { type: 7, ip: '127.0.0.1' },
          { type: 7, ip: '::1' },
        ],
      },
    ],
  });

  // The QMC names its exported client cert after the repository service account.
  const client = await generate([{ name: 'commonName', value: 'QlikClient' }], {
    ...KEY_OPTIONS,
    ...validity(),
    ca: signer,
    extensions: [
      { name: 'basicConstraints', cA: false },
      { name: 'keyUsage', digitalSignature: true, keyEncipherment: true, critical: true },
      { name: 'extKeyUsage', clientAuth: true },
    ],
  });

  return {
    caCert: ca.cert,
    serverCert: server.cert,
    serverKey: server.private,
    clientCert: client.cert,
    clientKey: client.private,
  };
}

/** Where writeCertBundle puts each file of a bundle in `dir` (relative stays relative). */
export function certPathsIn(dir: string): CertPaths {
  return {
    dir,
    ca: join(dir, FILE_NAMES.ca),
    clientCert: join(dir, FILE_NAMES.clientCert),
    clientKey: join(dir, FILE_NAMES.clientKey),
    serverCert: join(dir, FILE_NAMES.serverCert),
    serverKey: join(dir, FILE_NAMES.serverKey),
  };
}

async function writePrivate(path: string, pem: string): Promise<void> {
  await writeFile(path, pem, { mode: 0o600 });
  // writeFile's mode only applies when it creates the file; an existing one keeps its mode.
  await chmod(path, 0o600);
}

/** Writes a bundle into `dir` (created if missing); key files get mode 0600. */
export async function writeCertBundle(dir: string, bundle: CertBundle): Promise<CertPaths> {
  await mkdir(dir, { recursive: true });
  const paths = certPathsIn(dir);
  await writeFile(paths.ca, bundle.caCert);
  await writeFile(paths.clientCert, bundle.clientCert);
  await writeFile(paths.serverCert, bundle.serverCert);
  await writePrivate(paths.clientKey, bundle.clientKey);
  await writePrivate(paths.serverKey, bundle.serverKey);
  return paths;
}

/** Reads a bundle back from the files `writeCertBundle` wrote. */
export async function readCertBundle(paths: CertPaths): Promise<CertBundle> {
  const read = (path: string): Promise<string> => readFile(path, 'utf8');
  const [caCert, serverCert, serverKey, clientCert, clientKey] = await Promise.all([
    read(paths.ca),
    read(paths.serverCert),
    read(paths.serverKey),
    read(paths.clientCert),
    read(paths.clientKey),
  ]);
  return { caCert, serverCert, serverKey, clientCert, clientKey };
}

async function exists(path: string): Promise<boolean> {
  try {
    await access(path);
    return true;
  } catch {
    return false;
  }
}

async function isComplete(paths: CertPaths): Promise<boolean> {
  const files = [paths.ca, paths.clientCert, paths.clientKey, paths.serverCert, paths.serverKey];
  return (await Promise.all(files.map(exists))).every(Boolean);
}

/**
 * Makes sure `dir` holds a complete bundle: reuses the files when all five exist, otherwise
 * generates a new CA and replaces the folder (a partial set could mix two CAs). The new set
 * is written beside `dir` and renamed into place, so processes starting together (two demos,
 * parallel tests) never read a half-written set: the first rename wins, the others use it.
 */
export async function ensureCertFiles(dir: string): Promise<CertPaths> {
  const paths = certPathsIn(dir);
  if (await isComplete(paths)) return paths;
  await mkdir(dirname(dir), { recursive: true });
  const staging = await mkdtemp(join(dirname(dir), `.${basename(dir)}-`));
  try {
    await writeCertBundle(staging, await generateCertBundle());
    try {
      await rename(staging, dir);
    } catch {
      if (await isComplete(paths)) return paths;
      await rm(dir, { recursive: true, force: true });
      await rename(staging, dir);
    }
    return paths;
  } finally {
    await rm(staging, { recursive: true, force: true });
  }
}
