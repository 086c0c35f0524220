/**
 * Encryption of stored secrets (BitLocker recovery keys, Windows product keys): AES-256-GCM
 * (NIST SP 800-38D) with a fresh 96-bit IV per value and the owning record as associated data, so
 * a ciphertext copied onto another asset or kind fails to decrypt instead of revealing the wrong
 * key. The original stored them in plain text and showed them to every user.
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { AppError } from '@hivematrix/sdk';

/** What the database stores for one secret. */
export interface SealedSecret {
  iv: Buffer;
  tag: Buffer;
  ciphertext: Buffer;
}

/** The associated data binding a secret to its asset and kind. */
export function secretContext(assetId: number, kind: string): Buffer {
  return Buffer.from(`codex:asset:${assetId}:${kind}`, 'utf8');
}

/** Encrypts `plaintext` under `key` (32 bytes). `random` is injectable for tests. */
export function sealSecret(key: Buffer, plaintext: string, context: Buffer, random: (size: number) => Buffer = randomBytes): SealedSecret {
  if (key.length !== 32) throw new AppError('internal', 'The secret key must be 32 bytes');
  const iv = random(12);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(context);
  const ciphertext = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
  return { iv, tag: cipher.getAuthTag(), ciphertext };
}

/** Decrypts a sealed secret; a wrong key, context or any tampering throws `internal`. */
export function openSecret(key: Buffer, sealed: SealedSecret, context: Buffer): string {
  try {
    const decipher = createDecipheriv('aes-256-gcm', key, sealed.iv);
    decipher.setAAD(context);
    decipher.setAuthTag(sealed.tag);
    return Buffer.concat([decipher.update(sealed.ciphertext), decipher.final()]).toString('utf8');
  } catch (error) {
    throw new AppError('internal', 'A stored secret could not be decrypted (wrong key or tampered data)', { cause: error });
  }
}
