/**
 * Encryption of stored secrets (BitLocker recovery keys, Windows product keys): AES-256-GCM
 * (NIST SP 800-38D) with a fresh 96-bit IV per value and the owning record as associated data, so
 * a ciphertext copied onto another asset or kind fails to decrypt instead of revealing the wrong
 * key. The original stored them in plain text and showed them to every user.
 */
import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';
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
export function sealSecret(
  key: Buffer,
  plaintext: string,
  context: Buffer,
  random: (size: number) => Buffer = randomBytes,
): SealedSecret {
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
    throw new AppError('internal', 'A stored secret could not be decrypted (wrong key or tampered data)', {
      cause: error,
    });
  }
}

/**
 * The keys codex holds: `current` seals every new value; `previous` (former values of
 * `CODEX_SECRET_KEY`) are only tried for reading, so the key can be rotated without losing a
 * stored secret. Values read with a previous key are re-sealed with the current one.
 */
export interface SecretKeyring {
  current: Buffer;
  previous: readonly Buffer[];
}

/** The keyring of a configuration; undefined without a current key. */
export function keyringFrom(current: Buffer | undefined, previous: readonly Buffer[] = []): SecretKeyring | undefined {
  return current === undefined ? undefined : { current, previous: previous.filter((key) => !key.equals(current)) };
}

/** A short public name of a key (first 8 bytes of its SHA-256), stored with each sealed value. */
export function keyIdOf(key: Buffer): string {
  return createHash('sha256').update(key).digest().subarray(0, 8).toString('hex');
}

/**
 * Opens a sealed value with whichever key of the ring sealed it: the key named by `keyId` first,
 * then the others (values sealed before key ids were recorded have none). Returns the plaintext
 * and the id of the key that opened it; throws `internal` when no key does.
 */
export function openWithKeyring(
  ring: SecretKeyring,
  sealed: SealedSecret & { keyId: string | null },
  context: Buffer,
): { value: string; keyId: string } {
  const keys = [ring.current, ...ring.previous];
  const ordered = [
    ...keys.filter((key) => keyIdOf(key) === sealed.keyId),
    ...keys.filter((key) => keyIdOf(key) !== sealed.keyId),
  ];
  for (const key of ordered) {
    try {
      return { value: openSecret(key, sealed, context), keyId: keyIdOf(key) };
    } catch {
      // Not this key: try the next one.
    }
  }
  throw new AppError(
    'internal',
    'A stored secret could not be decrypted with any configured key (CODEX_SECRET_KEY, CODEX_SECRET_KEY_PREVIOUS)',
  );
}
