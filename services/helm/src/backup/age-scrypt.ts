/**
 * age's passphrase recipient and identity (the `scrypt` stanza of age-encryption.org/v1), plugged
 * into the age-encryption package through its Recipient and Identity interfaces. The stanza is
 * byte for byte the package's own (its Encrypter uses the same one for setPassphrase), but the
 * key is derived by node:crypto's scrypt on libuv's thread pool instead of the package's
 * synchronous JavaScript scrypt, which holds the event loop for a second or more: helm keeps
 * supervising, ingesting logs and answering the console while a backup is encrypted or opened.
 *
 *   -> scrypt <salt, 16 bytes, base64 without padding> <log2 N>
 *   ChaCha20-Poly1305(key = scrypt(passphrase, "age-encryption.org/v1/scrypt" || salt, N, r=8, p=1), nonce = 0, file key)
 */
import { createCipheriv, createDecipheriv, randomBytes, scrypt } from 'node:crypto';
import { Stanza, type Identity, type Recipient } from 'age-encryption';

const LABEL = Buffer.from('age-encryption.org/v1/scrypt', 'ascii');
const NONCE = Buffer.alloc(12);
/** The age-encryption package refuses more (about 1 GiB of memory); so do we. */
const MAX_LOG_N = 20;

function deriveKey(passphrase: string, salt: Buffer, logN: number): Promise<Buffer> {
  const N = 2 ** logN;
  return new Promise((resolve, reject) => {
    // scrypt needs 128·N·r bytes; node's default ceiling (32 MiB) is below age's default cost.
    scrypt(
      Buffer.from(passphrase, 'utf8'),
      Buffer.concat([LABEL, salt]),
      32,
      { N, r: 8, p: 1, maxmem: 128 * N * 8 + 32 * 1024 * 1024 },
      (error, key) => (error === null ? resolve(key) : reject(error)),
    );
  });
}

function unpadded(bytes: Buffer): string {
  return bytes.toString('base64').replace(/=+$/, '');
}

/** Encrypts the file key to a passphrase. */
export class ScryptRecipient implements Recipient {
  constructor(
    private readonly passphrase: string,
    private readonly logN: number,
  ) {
    if (!Number.isInteger(logN) || logN < 1 || logN > MAX_LOG_N)
      throw new Error(`scrypt work factor must be 1 to ${MAX_LOG_N}`);
  }

  async wrapFileKey(fileKey: Uint8Array): Promise<Stanza[]> {
    const salt = randomBytes(16);
    const key = await deriveKey(this.passphrase, salt, this.logN);
    const cipher = createCipheriv('chacha20-poly1305', key, NONCE, { authTagLength: 16 });
    const body = Buffer.concat([cipher.update(fileKey), cipher.final(), cipher.getAuthTag()]);
    return [new Stanza(['scrypt', unpadded(salt), String(this.logN)], body)];
  }
}

/** Decrypts the file key with a passphrase; null (so "no identity matched") when it is not the one. */
export class ScryptIdentity implements Identity {
  constructor(private readonly passphrase: string) {}

  async unwrapFileKey(stanzas: Stanza[]): Promise<Uint8Array | null> {
    for (const stanza of stanzas) {
      if (stanza.args[0] !== 'scrypt') continue;
      // The spec: a passphrase-encrypted file has exactly one recipient.
      if (stanzas.length !== 1) throw new Error('scrypt recipient is not the only one in the header');
      const [, saltText = '', logNText = ''] = stanza.args;
      if (stanza.args.length !== 3 || !/^[1-9][0-9]*$/.test(logNText)) throw new Error('invalid scrypt stanza');
      const salt = Buffer.from(saltText, 'base64');
      if (salt.length !== 16 || unpadded(salt) !== saltText) throw new Error('invalid scrypt stanza');
      const logN = Number(logNText);
      if (logN > MAX_LOG_N) throw new Error('scrypt work factor is too high');
      if (stanza.body.length !== 32) throw new Error('invalid stanza');
      const key = await deriveKey(this.passphrase, salt, logN);
      const decipher = createDecipheriv('chacha20-poly1305', key, NONCE, { authTagLength: 16 });
      decipher.setAuthTag(stanza.body.subarray(16));
      try {
        return Buffer.concat([decipher.update(stanza.body.subarray(0, 16)), decipher.final()]);
      } catch {
        return null; // another passphrase
      }
    }
    return null;
  }
}
