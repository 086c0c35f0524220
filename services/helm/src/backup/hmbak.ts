/**
 * The first backup format (`.hmbak`, written by helm until backups became age-encrypted tar.gz
 * files, archive.ts), kept read-only so that every backup made before can still be restored.
 *
 *   "HIVEMATRIX-BACKUP\n" | u32 header length | header JSON | payload [| 16-byte GCM tag]
 *
 * The payload is gzip (node:zlib) of a sequence of records
 *   u8 1 | u16 name length | name (UTF-8) | u64 size | bytes      one entry
 *   u8 0                                                           the end
 * and, with a passphrase, AES-256-GCM of that gzip stream under a scrypt-derived key, the header
 * as additional authenticated data. The first entry is always `manifest.json`.
 *
 * Truncation shows as a missing end record or a gzip stream that stops early; corruption as a
 * gzip CRC error or an entry whose sha256 differs from the manifest; tampering with an encrypted
 * file as a failed GCM tag; a wrong passphrase as a key-check mismatch, before any decryption.
 */
import {
  createDecipheriv,
  createHmac,
  scrypt,
  timingSafeEqual,
  type DecipherGCM,
  type ScryptOptions,
} from 'node:crypto';
import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { Transform } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { z } from 'zod';
import { BackupError } from './errors.js';
import { assertEntryName } from './manifest.js';

export const MAGIC = Buffer.from('HIVEMATRIX-BACKUP\n', 'ascii');
const TAG_BYTES = 16;
const MAX_HEADER_BYTES = 64 * 1024;
const KEY_CHECK_LABEL = 'hivematrix-backup key check';

const encryptionSchema = z.object({
  cipher: z.literal('aes-256-gcm'),
  kdf: z.literal('scrypt'),
  N: z
    .number()
    .int()
    .min(1024)
    .max(2 ** 20),
  r: z.number().int().min(1).max(32),
  p: z.number().int().min(1).max(16),
  salt: z.string().regex(/^[0-9a-f]{32}$/),
  iv: z.string().regex(/^[0-9a-f]{24}$/),
  /** HMAC of a fixed label under the key: tells a wrong passphrase from a damaged file. */
  check: z.string().regex(/^[0-9a-f]{64}$/),
});

export const headerSchema = z.object({
  format: z.literal(1),
  encryption: encryptionSchema.nullable(),
});
export type ContainerHeader = z.infer<typeof headerSchema>;

function deriveKey(passphrase: string, salt: Buffer, params: { N: number; r: number; p: number }): Promise<Buffer> {
  const options: ScryptOptions = { ...params, maxmem: 256 * params.N * params.r + 1024 * 1024 };
  return new Promise((resolve, reject) => {
    scrypt(passphrase.normalize('NFC'), salt, 32, options, (error, key) => (error ? reject(error) : resolve(key)));
  });
}

function keyCheck(key: Buffer): string {
  return createHmac('sha256', key).update(KEY_CHECK_LABEL).digest('hex');
}

/** The header and where the payload lies in the file. */
export interface OpenedContainer {
  header: ContainerHeader;
  headerBytes: Buffer;
  payloadStart: number;
  payloadEnd: number;
  size: number;
}

/** Reads and validates the header; refuses a file that is not one of our archives. */
export async function readContainerHeader(file: string): Promise<OpenedContainer> {
  const handle = await open(file, 'r').catch((error: NodeJS.ErrnoException) => {
    throw new BackupError(
      error.code === 'ENOENT' ? `no such backup file: ${file}` : `cannot read ${file}: ${error.message}`,
    );
  });
  try {
    const size = (await handle.stat()).size;
    const start = Buffer.alloc(MAGIC.length + 4);
    const { bytesRead } = await handle.read(start, 0, start.length, 0);
    if (bytesRead < start.length || !start.subarray(0, MAGIC.length).equals(MAGIC)) {
      throw new BackupError(`${file} is not a HiveMatrix backup (unknown file format)`);
    }
    const length = start.readUInt32BE(MAGIC.length);
    if (length > MAX_HEADER_BYTES || start.length + length > size)
      throw new BackupError(`${file} is truncated or corrupt (bad header length)`);
    const json = Buffer.alloc(length);
    await handle.read(json, 0, length, start.length);
    let parsed: unknown;
    try {
      parsed = JSON.parse(json.toString('utf8'));
    } catch {
      throw new BackupError(`${file} is corrupt (unreadable header)`);
    }
    const header = headerSchema.safeParse(parsed);
    if (!header.success)
      throw new BackupError(`${file} is a backup of an unsupported format version, or its header is corrupt`);
    const payloadStart = start.length + length;
    const payloadEnd = header.data.encryption === null ? size : size - TAG_BYTES;
    if (payloadEnd <= payloadStart) throw new BackupError(`${file} is truncated (no payload)`);
    return { header: header.data, headerBytes: Buffer.concat([start, json]), payloadStart, payloadEnd, size };
  } finally {
    await handle.close();
  }
}

/** Reads exact byte counts from an async stream of chunks. */
class ByteReader {
  private buffer: Buffer = Buffer.alloc(0);
  private done = false;

  constructor(private readonly source: AsyncIterator<Buffer>) {}

  private async fill(size: number): Promise<void> {
    while (this.buffer.length < size && !this.done) {
      const next = await this.source.next();
      if (next.done === true) this.done = true;
      else this.buffer = this.buffer.length === 0 ? next.value : Buffer.concat([this.buffer, next.value]);
    }
    if (this.buffer.length < size) throw new BackupError('the backup is truncated (it ends in the middle of an entry)');
  }

  async read(size: number): Promise<Buffer> {
    await this.fill(size);
    const out = this.buffer.subarray(0, size);
    this.buffer = this.buffer.subarray(size);
    return out;
  }

  /** Yields the next `size` bytes as chunks. */
  async *chunks(size: number): AsyncGenerator<Buffer> {
    let left = size;
    while (left > 0) {
      if (this.buffer.length === 0) await this.fill(1);
      const take = Math.min(left, this.buffer.length);
      yield this.buffer.subarray(0, take);
      this.buffer = this.buffer.subarray(take);
      left -= take;
    }
  }

  async atEnd(): Promise<boolean> {
    if (this.buffer.length > 0) return false;
    const next = await this.source.next();
    if (next.done === true) return true;
    this.buffer = next.value;
    return this.buffer.length === 0 ? this.atEnd() : false;
  }
}

/** Receives each entry as it is read: its name and a stream of exactly its bytes. */
export type EntryHandler = (name: string, size: number, content: AsyncIterable<Buffer>) => Promise<void>;

/**
 * Reads every entry of `file` in order, handing each to `onEntry`. The whole stream is read
 * (including the GCM tag check) before this resolves; callers must treat what they received as
 * untrusted until then (restore extracts to a private folder first).
 */
export async function readContainer(
  file: string,
  passphrase: string | undefined,
  onEntry: EntryHandler,
): Promise<ContainerHeader> {
  const opened = await readContainerHeader(file);
  const { header } = opened;
  let decipher: DecipherGCM | undefined;
  if (header.encryption !== null) {
    if (passphrase === undefined)
      throw new BackupError('this backup is encrypted: give its passphrase (--passphrase-stdin)');
    const encryption = header.encryption;
    const key = await deriveKey(passphrase, Buffer.from(encryption.salt, 'hex'), encryption);
    if (!timingSafeEqual(Buffer.from(keyCheck(key), 'hex'), Buffer.from(encryption.check, 'hex'))) {
      throw new BackupError('wrong passphrase for this backup');
    }
    const tag = Buffer.alloc(TAG_BYTES);
    const handle = await open(file, 'r');
    try {
      await handle.read(tag, 0, TAG_BYTES, opened.payloadEnd);
    } finally {
      await handle.close();
    }
    decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(encryption.iv, 'hex'));
    decipher.setAAD(opened.headerBytes);
    decipher.setAuthTag(tag);
  }
  const raw = createReadStream(file, { start: opened.payloadStart, end: opened.payloadEnd - 1 });
  const gunzip = createGunzip();
  const decrypted: NodeJS.ReadableStream = decipher === undefined ? raw : raw.pipe(authenticated(decipher));
  raw.on('error', (error) => gunzip.destroy(error));
  decrypted.on('error', (error: Error) => gunzip.destroy(error));
  decrypted.pipe(gunzip);

  const reader = new ByteReader(gunzip[Symbol.asyncIterator]() as AsyncIterator<Buffer>);
  try {
    for (;;) {
      const kind = (await reader.read(1)).readUInt8(0);
      if (kind === 0) break;
      if (kind !== 1) throw new BackupError('the backup is corrupt (unknown record)');
      const nameLength = (await reader.read(2)).readUInt16BE(0);
      const name = (await reader.read(nameLength)).toString('utf8');
      assertEntryName(name);
      const size = Number((await reader.read(8)).readBigUInt64BE(0));
      if (!Number.isSafeInteger(size)) throw new BackupError('the backup is corrupt (entry size)');
      await onEntry(name, size, reader.chunks(size));
    }
    if (!(await reader.atEnd())) throw new BackupError('the backup is corrupt (data after the end record)');
  } catch (error) {
    gunzip.destroy();
    raw.destroy();
    throw asReadError(error);
  }
  return header;
}

/** A pass-through decipher whose final tag check failure becomes a clear error. */
function authenticated(decipher: DecipherGCM): Transform {
  return new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      callback(null, decipher.update(chunk));
    },
    flush(callback) {
      try {
        callback(null, decipher.final());
      } catch {
        callback(new BackupError('the backup has been tampered with or is corrupt (authentication failed)'));
      }
    },
  });
}

function asReadError(error: unknown): Error {
  if (error instanceof BackupError) return error;
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string' && code.startsWith('Z_')) {
    return new BackupError(
      code === 'Z_BUF_ERROR' ? 'the backup is truncated' : `the backup is corrupt (${(error as Error).message})`,
    );
  }
  return error instanceof Error ? error : new Error(String(error));
}
