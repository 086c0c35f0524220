/**
 * The backup file: a standard tar.gz, encrypted with a passphrase in the age format
 * (age-encryption.org/v1, scrypt) when one is given, so that an operator can inspect and restore
 * a backup by hand with tools every system has, without HiveMatrix:
 *
 *   age -d -o backup.tar.gz hivematrix-…-manual.tar.gz.age     (asks for the passphrase)
 *   tar -tzf backup.tar.gz
 *   mkdir b && tar -xzf backup.tar.gz -C b && (cd b && sha256sum -c SHA256SUMS)
 *
 * Inside, in this order: `manifest.json` (manifest.ts), `SHA256SUMS` (the sha256 of every other
 * entry, as sha256sum writes them), `files/…` (the instance files, with their modes) and
 * `db/<service>/NNNN.ndjson` (one table per file, db-dump.ts). Encrypted files are named
 * `.tar.gz.age`, plain ones `.tar.gz`; the reader goes by the bytes, not the name, and still reads
 * the first format (`.hmbak`, hmbak.ts).
 *
 * Integrity: age authenticates every 64 KiB chunk and the end of the stream (tampering, a wrong
 * passphrase, truncation); gzip's CRC and tar's header checksums catch damage to a plain file;
 * restore then checks every entry against the manifest's sha256 and size.
 */
import { createReadStream, createWriteStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { Readable, Writable } from 'node:stream';
import type { ReadableStream as NodeReadableStream } from 'node:stream/web';
import { Decrypter, Encrypter } from 'age-encryption';
import { create, entries } from 'tar';
import { ScryptIdentity, ScryptRecipient } from './age-scrypt.js';
import { BackupError } from './errors.js';
import { readContainer, readContainerHeader, MAGIC as HMBAK_MAGIC } from './hmbak.js';
import { assertEntryName } from './manifest.js';

export const TAR_GZ_EXTENSION = '.tar.gz';
export const AGE_EXTENSION = '.tar.gz.age';
/** The first format, read only. */
export const HMBAK_EXTENSION = '.hmbak';
/** Every name a backup file may end with, longest first. */
export const BACKUP_EXTENSIONS = [AGE_EXTENSION, TAR_GZ_EXTENSION, HMBAK_EXTENSION] as const;

const AGE_MAGIC = Buffer.from('age-encryption.org/v1\n', 'ascii');
const GZIP_MAGIC = Buffer.from([0x1f, 0x8b]);
/** age's own default (the `age` command uses the same): about a second and 256 MiB to derive the key, on the thread pool. */
export const DEFAULT_SCRYPT_WORK_FACTOR = 18;

export type ArchiveFormat = 'age' | 'tar.gz' | 'hmbak';

/** The format of `file` from its first bytes, or undefined when it is none of ours. */
export async function archiveFormat(file: string): Promise<ArchiveFormat | undefined> {
  const handle = await open(file, 'r').catch((error: NodeJS.ErrnoException) => {
    throw new BackupError(
      error.code === 'ENOENT' ? `no such backup file: ${file}` : `cannot read ${file}: ${error.message}`,
    );
  });
  try {
    const start = Buffer.alloc(Math.max(AGE_MAGIC.length, HMBAK_MAGIC.length));
    const { bytesRead } = await handle.read(start, 0, start.length, 0);
    const head = start.subarray(0, bytesRead);
    if (head.subarray(0, AGE_MAGIC.length).equals(AGE_MAGIC)) return 'age';
    if (head.subarray(0, HMBAK_MAGIC.length).equals(HMBAK_MAGIC)) return 'hmbak';
    if (head.subarray(0, GZIP_MAGIC.length).equals(GZIP_MAGIC)) return 'tar.gz';
    return undefined;
  } finally {
    await handle.close();
  }
}

/** Whether `file` is encrypted; null when it is not a backup we can read. */
export async function isEncrypted(file: string): Promise<boolean | null> {
  try {
    const format = await archiveFormat(file);
    if (format === 'hmbak') return (await readContainerHeader(file)).header.encryption !== null;
    return format === undefined ? null : format === 'age';
  } catch (error) {
    if (error instanceof BackupError) return null;
    throw error;
  }
}

export interface WriteArchiveOptions {
  passphrase?: string | undefined;
  /** The modification time recorded for every entry (the backup's time). */
  mtime: Date;
  /** log2 of scrypt's N for the passphrase; tests lower it to stay fast. */
  scryptWorkFactor?: number;
}

/**
 * Writes `names` (paths relative to `dir`, in archive order) as a tar.gz to `file` (created 0600,
 * must not exist), age-encrypted when a passphrase is given.
 */
export async function writeArchive(
  file: string,
  dir: string,
  names: readonly string[],
  options: WriteArchiveOptions,
): Promise<void> {
  for (const name of names) assertEntryName(name);
  // portable: no user or host names in the headers; strict: a file that vanishes or changes fails.
  let stream: ReadableStream<Uint8Array> = create(
    { cwd: dir, gzip: { level: 6 }, portable: true, strict: true, mtime: options.mtime },
    [...names],
  );
  if (options.passphrase !== undefined) {
    // The package's own passphrase stanza, with scrypt off the event loop (age-scrypt.ts).
    const encrypter = new Encrypter();
    encrypter.addRecipient(
      new ScryptRecipient(options.passphrase, options.scryptWorkFactor ?? DEFAULT_SCRYPT_WORK_FACTOR),
    );
    stream = await encrypter.encrypt(stream);
  }
  await stream.pipeTo(Writable.toWeb(createWriteStream(file, { flags: 'wx', mode: 0o600 })));
}

/** Receives each entry as it is read: its name and a stream of exactly its bytes. */
export type EntryHandler = (name: string, size: number, content: AsyncIterable<Uint8Array>) => Promise<void>;

/** The decrypted bytes of an age file; a failure while reading them is the file's, not ours. */
async function* decrypted(file: string, passphrase: string): AsyncGenerator<Uint8Array> {
  const decrypter = new Decrypter();
  decrypter.addIdentity(new ScryptIdentity(passphrase));
  let plain: ReadableStream<Uint8Array>;
  try {
    plain = await decrypter.decrypt(Readable.toWeb(createReadStream(file)) as ReadableStream<Uint8Array>);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    if (/no identity matched/.test(message)) throw new BackupError('wrong passphrase for this backup');
    throw new BackupError(`the backup's encryption header is corrupt or not supported (${message})`);
  }
  try {
    for await (const chunk of plain as unknown as NodeReadableStream<Uint8Array>) yield chunk;
  } catch {
    throw new BackupError('the backup has been tampered with, is truncated or is corrupt (authentication failed)');
  }
}

/**
 * Reads every entry of `file` in order, handing each to `onEntry`; any of the three formats. The
 * whole file is read (including the age authentication of its last chunk) before this resolves;
 * callers must treat what they received as untrusted until then (restore extracts to a private
 * folder first).
 */
export async function readArchive(file: string, passphrase: string | undefined, onEntry: EntryHandler): Promise<void> {
  const format = await archiveFormat(file);
  if (format === undefined) throw new BackupError(`${file} is not a HiveMatrix backup (unknown file format)`);
  if (format === 'hmbak') {
    await readContainer(file, passphrase, onEntry);
    return;
  }
  if (format === 'age' && passphrase === undefined)
    throw new BackupError('this backup is encrypted: give its passphrase (--passphrase-stdin)');
  const input = format === 'age' && passphrase !== undefined ? decrypted(file, passphrase) : createReadStream(file);
  try {
    // strict: a cut-off body or a bad header is an error, not a warning; the ratio limit is
    // gzip's own (about 1000:1), so a genuine dump of repetitive rows is never refused.
    for await (const entry of entries(input, { strict: true, maxDecompressionRatio: Infinity })) {
      if (entry.type !== 'File')
        throw new BackupError(
          `the backup is corrupt (it holds a ${entry.type} entry, ${JSON.stringify(entry.path.slice(0, 80))})`,
        );
      assertEntryName(entry.path);
      await onEntry(entry.path, entry.size, entry.body as unknown as AsyncIterable<Uint8Array>);
    }
  } catch (error) {
    throw asReadError(error);
  }
}

function asReadError(error: unknown): Error {
  if (error instanceof BackupError) return error;
  const { tarCode, code: errorCode } = error as { tarCode?: unknown; code?: unknown };
  const code = typeof tarCode === 'string' ? tarCode : typeof errorCode === 'string' ? errorCode : '';
  const message = error instanceof Error ? error.message : String(error);
  if (
    code.startsWith('TAR_') ||
    code.startsWith('Z_') ||
    /unexpected end|incorrect header check|invalid (block|stored|distance)|gzip/i.test(message)
  ) {
    return new BackupError(`the backup is truncated or corrupt (${message})`);
  }
  return error instanceof Error ? error : new Error(message);
}
