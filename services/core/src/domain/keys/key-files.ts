/**
 * The signing keys on disk: one PKCS#8 PEM per key (`<kid>.pem`, mode 0600) in a directory only
 * core may read (0700), and `manifest.json` saying which key signs and until when each older one
 * must stay published. The manifest is replaced atomically (write, then rename), so another core
 * instance sharing the directory never reads half a file.
 */
import { generateKeyPair as generateRsaKeyPair, createPublicKey } from 'node:crypto';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { calculateJwkThumbprint, type JWK } from 'jose';
import { z } from 'zod';

const generateRsa = promisify(generateRsaKeyPair);

/** One key in the manifest; times in unix seconds. */
export const KeyEntrySchema = z.object({
  kid: z.string().regex(/^[A-Za-z0-9_-]{1,100}$/),
  created_at: z.number().int().nonnegative(),
  /** Null for a key that may still sign; otherwise when its last token has surely expired. */
  retire_after: z.number().int().nonnegative().nullable(),
});
/** One key of the manifest. */
export type KeyEntry = z.infer<typeof KeyEntrySchema>;

/** `manifest.json`: the signer's kid and every key still published. */
export const ManifestSchema = z.object({
  version: z.literal(1),
  signer: z.string().min(1),
  keys: z.array(KeyEntrySchema).min(1),
});
/** The parsed manifest. */
export type Manifest = z.infer<typeof ManifestSchema>;

const MANIFEST = 'manifest.json';

/** Creates the key directory if needed and makes sure only its owner can enter it. */
export async function ensureKeyDir(dir: string): Promise<void> {
  await fs.mkdir(dir, { recursive: true, mode: 0o700 });
  await fs.chmod(dir, 0o700);
}

/** A value that changes whenever the manifest is replaced or edited (inode, mtime, size). */
export async function manifestStamp(dir: string): Promise<string | null> {
  try {
    const stat = await fs.stat(path.join(dir, MANIFEST));
    return `${stat.ino}:${stat.mtimeMs}:${stat.size}`;
  } catch (error) {
    if (isCode(error, 'ENOENT')) return null;
    throw error;
  }
}

/** Reads and checks the manifest; null when there is none yet. */
export async function readManifest(dir: string): Promise<Manifest | null> {
  let text: string;
  try {
    text = await fs.readFile(path.join(dir, MANIFEST), 'utf8');
  } catch (error) {
    if (isCode(error, 'ENOENT')) return null;
    throw error;
  }
  const parsed = ManifestSchema.safeParse(JSON.parse(text));
  if (!parsed.success) throw new Error(`${path.join(dir, MANIFEST)} is not a valid key manifest`);
  if (!parsed.data.keys.some((key) => key.kid === parsed.data.signer)) {
    throw new Error(`${path.join(dir, MANIFEST)} names a signer that is not among its keys`);
  }
  return parsed.data;
}

/**
 * Writes the manifest atomically. With `exclusive`, fails with EEXIST when a manifest already
 * exists (two instances starting on an empty directory: only one creates it).
 */
export async function writeManifest(dir: string, manifest: Manifest, exclusive = false): Promise<void> {
  const target = path.join(dir, MANIFEST);
  const temporary = path.join(dir, `.${MANIFEST}.${process.pid}.${Date.now()}.tmp`);
  await fs.writeFile(temporary, `${JSON.stringify(manifest, null, 2)}\n`, { mode: 0o600, flag: 'wx' });
  try {
    if (exclusive) await fs.link(temporary, target);
    else await fs.rename(temporary, target);
  } finally {
    await fs.rm(temporary, { force: true });
  }
}

/**
 * Generates an RSA 2048 key pair, writes the private key as `<kid>.pem` (mode 0600, never
 * overwriting) and returns its kid: the key's JWK thumbprint (RFC 7638), so a kid always names
 * exactly one key.
 */
export async function generateKeyFile(dir: string): Promise<string> {
  const { privateKey } = await generateRsa('rsa', { modulusLength: 2048 });
  const pem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
  const kid = await calculateJwkThumbprint(publicJwkOf(pem), 'sha256');
  await fs.writeFile(path.join(dir, `${kid}.pem`), pem, { mode: 0o600, flag: 'wx' });
  return kid;
}

/** Reads the private key PEM of `kid`. */
export function readKeyFile(dir: string, kid: string): Promise<string> {
  return fs.readFile(path.join(dir, `${kid}.pem`), 'utf8');
}

/** Deletes the private key of a retired key (a missing file is fine). */
export function removeKeyFile(dir: string, kid: string): Promise<void> {
  return fs.rm(path.join(dir, `${kid}.pem`), { force: true });
}

/** The public half of a PEM private key as a bare RSA JWK (`kty`, `n`, `e`). */
export function publicJwkOf(privatePem: string): JWK {
  const jwk = createPublicKey(privatePem).export({ format: 'jwk' });
  return { kty: String(jwk.kty), n: String(jwk.n), e: String(jwk.e) };
}

function isCode(error: unknown, code: string): boolean {
  return typeof error === 'object' && error !== null && 'code' in error && error.code === code;
}
