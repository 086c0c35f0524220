/**
 * The gateway's TLS material: the configured certificate and key, or on first start a self-signed
 * certificate for localhost (EC P-256, one year, SAN localhost/127.0.0.1/::1 and the public
 * hostname) written under `<instance>/certs/` with the key readable by its owner only (0600), and
 * reused afterwards. A generated certificate is made again at start when it expires within 30 days
 * or does not name every host (the hostname changed), so it never lapses silently; helm's audit
 * warns before then. A configured certificate is the operator's to renew.
 */
import { X509Certificate } from 'node:crypto';
import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { generate } from 'selfsigned';

/** The server-side TLS profiles offered (Mozilla's Server Side TLS recommendations, version 5.7). */
export type TlsProfile = 'intermediate' | 'modern';

/**
 * TLS 1.3 suites (all AEAD), and for TLS 1.2 only ECDHE key exchange with AEAD ciphers (GCM,
 * ChaCha20-Poly1305): Mozilla's "intermediate" list without its finite-field DHE suites. No CBC
 * suite is offered (Lucky13-style padding oracles; scanners flag them).
 */
const TLS13_SUITES = ['TLS_AES_128_GCM_SHA256', 'TLS_AES_256_GCM_SHA384', 'TLS_CHACHA20_POLY1305_SHA256'];
const TLS12_AEAD_ECDHE = [
  'ECDHE-ECDSA-AES128-GCM-SHA256',
  'ECDHE-RSA-AES128-GCM-SHA256',
  'ECDHE-ECDSA-AES256-GCM-SHA384',
  'ECDHE-RSA-AES256-GCM-SHA384',
  'ECDHE-ECDSA-CHACHA20-POLY1305',
  'ECDHE-RSA-CHACHA20-POLY1305',
];

/** The options of `https.createServer` for a profile: versions, suites, curves. */
export function tlsServerOptions(profile: TlsProfile): {
  minVersion: 'TLSv1.2' | 'TLSv1.3';
  ciphers: string;
  ecdhCurve: string;
  honorCipherOrder: boolean;
} {
  return {
    minVersion: profile === 'modern' ? 'TLSv1.3' : 'TLSv1.2',
    ciphers: [...TLS13_SUITES, ...(profile === 'modern' ? [] : TLS12_AEAD_ECDHE)].join(':'),
    ecdhCurve: 'X25519:prime256v1:secp384r1',
    // Every suite offered is strong, so the client's preference (e.g. ChaCha20 on phones) wins.
    honorCipherOrder: false,
  };
}

/** PEM key and certificate. */
export interface TlsMaterial {
  key: string;
  cert: string;
  /** Where they were read from (or written to). */
  keyFile: string;
  certFile: string;
  generated: boolean;
  /** Why a generated certificate was made again (it was expiring, or missed a host). */
  renewed?: string;
}

/** A generated certificate is made again when it expires sooner than this. */
const RENEW_BEFORE_MS = 30 * 86_400_000;

/** Why a generated certificate must be made again, or null when it is good for `hosts` at `now`. */
export function renewalReason(certPem: string, hosts: readonly string[] | undefined, now: Date): string | null {
  const x509 = new X509Certificate(certPem);
  if (Date.parse(x509.validTo) - now.getTime() < RENEW_BEFORE_MS) return `it expires on ${x509.validTo}`;
  const missing = (hosts ?? []).filter(
    (host) => (/^[\d.]+$|:/.test(host) ? x509.checkIP(host) : x509.checkHost(host)) === undefined,
  );
  return missing.length === 0 ? null : `it does not name ${missing.join(', ')}`;
}

/** Generates a self-signed certificate for `hosts` (DNS names and IP addresses). */
export async function selfSignedCertificate(
  hosts: readonly string[] = ['localhost', '127.0.0.1', '::1'],
  now = new Date(),
): Promise<{ key: string; cert: string }> {
  const altNames = hosts.map((host) =>
    /^[\d.]+$|:/.test(host) ? { type: 7 as const, ip: host } : { type: 2 as const, value: host },
  );
  const notAfter = new Date(now.getTime() + 365 * 24 * 3_600_000);
  const pems = await generate(
    [
      { name: 'commonName', value: hosts[0] ?? 'localhost' },
      { name: 'organizationName', value: 'HiveMatrix' },
    ],
    {
      keyType: 'ec',
      curve: 'P-256',
      algorithm: 'sha256',
      notBeforeDate: now,
      notAfterDate: notAfter,
      extensions: [
        { name: 'basicConstraints', cA: false },
        { name: 'keyUsage', digitalSignature: true, keyEncipherment: true },
        { name: 'extKeyUsage', serverAuth: true },
        { name: 'subjectAltName', altNames },
      ],
    },
  );
  return { key: pems.private, cert: pems.cert };
}

async function readIfExists(file: string): Promise<string | null> {
  try {
    return await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
}

/**
 * The TLS material to serve with: the configured files when given (both must be), else the
 * generated pair under `certsDir` (created on first start).
 */
export async function loadTlsMaterial(options: {
  certFile?: string | undefined;
  keyFile?: string | undefined;
  certsDir: string;
  hosts?: string[];
  now?: Date;
}): Promise<TlsMaterial> {
  if (options.certFile !== undefined || options.keyFile !== undefined) {
    if (options.certFile === undefined || options.keyFile === undefined)
      throw new Error('TLS_CERT_FILE and TLS_KEY_FILE go together');
    return {
      key: await readFile(options.keyFile, 'utf8'),
      cert: await readFile(options.certFile, 'utf8'),
      keyFile: options.keyFile,
      certFile: options.certFile,
      generated: false,
    };
  }
  const keyFile = path.join(options.certsDir, 'nexus.key');
  const certFile = path.join(options.certsDir, 'nexus.crt');
  const [key, cert] = await Promise.all([readIfExists(keyFile), readIfExists(certFile)]);
  const now = options.now ?? new Date();
  const renewed = key !== null && cert !== null ? renewalReason(cert, options.hosts, now) : null;
  if (key !== null && cert !== null && renewed === null) return { key, cert, keyFile, certFile, generated: false };
  const made = await selfSignedCertificate(options.hosts, now);
  await mkdir(options.certsDir, { recursive: true, mode: 0o700 });
  await writeFile(keyFile, made.key, { mode: 0o600 });
  await chmod(keyFile, 0o600); // in case the file existed with looser bits
  await writeFile(certFile, made.cert, { mode: 0o644 });
  return { ...made, keyFile, certFile, generated: true, ...(renewed === null ? {} : { renewed }) };
}
