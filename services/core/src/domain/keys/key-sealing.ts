/**
 * Private signing keys at rest: sealed with AES-256-GCM (node:crypto) before they reach core's
 * database, so a database dump or backup alone signs nothing.
 *
 * The sealing key is derived with HKDF-SHA256 from a secret every core instance already has and
 * the database does not: core's own SERVICE_SECRET (helm writes the same one into every core
 * instance's environment; Kubernetes takes it from the Secret), or KEYS_ENCRYPTION_SECRET when set.
 * Each sealed key is bound to its kid as additional authenticated data, so a row's ciphertext
 * cannot be moved to another row. The stored `sealed_with` (a hash of the derived key) says
 * whether a key was sealed under the current secret, so a changed secret fails with a message
 * instead of a bare authentication error.
 */
import { createCipheriv, createDecipheriv, createHash, hkdfSync, randomBytes } from 'node:crypto';

/** Format byte of sealed keys; a later format gets another. */
const VERSION = 1;
const IV_BYTES = 12;
const TAG_BYTES = 16;
const SALT = 'hivematrix:core:signing-keys';
const INFO = 'AES-256-GCM sealing key v1';

/** The key sealing private keys, and its public check value. */
export interface SealingKey {
  key: Buffer;
  /** First 16 hex digits of SHA-256(key): names the key without revealing it. */
  check: string;
}

/** Derives the sealing key from core's secret. */
export function deriveSealingKey(secret: string): SealingKey {
  if (secret.length < 32) throw new Error('the secret sealing the signing keys must have at least 32 characters');
  const key = Buffer.from(hkdfSync('sha256', secret, SALT, INFO, 32));
  return { key, check: createHash('sha256').update(key).digest('hex').slice(0, 16) };
}

/** `version ‖ iv ‖ tag ‖ ciphertext` of `pem`, bound to `kid`. */
export function sealPrivateKey(sealing: SealingKey, kid: string, pem: string): Buffer {
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', sealing.key, iv);
  cipher.setAAD(Buffer.from(kid, 'utf8'));
  const ciphertext = Buffer.concat([cipher.update(pem, 'utf8'), cipher.final()]);
  return Buffer.concat([Buffer.from([VERSION]), iv, cipher.getAuthTag(), ciphertext]);
}

/** The PEM sealed in `sealed` for `kid`; throws when the key, the kid or the bytes do not match. */
export function openPrivateKey(sealing: SealingKey, kid: string, sealed: Buffer): string {
  if (sealed.length <= 1 + IV_BYTES + TAG_BYTES || sealed[0] !== VERSION)
    throw new Error(`signing key ${kid}: unknown sealed format`);
  const iv = sealed.subarray(1, 1 + IV_BYTES);
  const tag = sealed.subarray(1 + IV_BYTES, 1 + IV_BYTES + TAG_BYTES);
  const decipher = createDecipheriv('aes-256-gcm', sealing.key, iv);
  decipher.setAAD(Buffer.from(kid, 'utf8'));
  decipher.setAuthTag(tag);
  return Buffer.concat([decipher.update(sealed.subarray(1 + IV_BYTES + TAG_BYTES)), decipher.final()]).toString('utf8');
}
