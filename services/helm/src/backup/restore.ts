/**
 * Restoring an archive (an age-encrypted or plain tar.gz, or the first `.hmbak` format), all of it
 * or one component. Everything is extracted to a private folder and checked first (format,
 * passphrase, authentication, every entry's sha256 and size, the manifest's own shape and its
 * SHA256SUMS, the platform it came from), so a bad archive is refused before anything on disk or
 * in a database is touched. Then the instance files are put back (they hold the passwords the
 * databases are recreated with), then each database, loaded into a new database and swapped in
 * (db-restore.ts).
 */
import { createHash } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { chmod, mkdir, mkdtemp, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { prepareInstance } from '../generate/index.js';
import type { HelmPaths } from '../paths.js';
import { isEncrypted, readArchive } from './archive.js';
import { restoreDatabase } from './db-restore.js';
import { BackupError } from './errors.js';
import { FILES_COMPONENT, MANIFEST_ENTRY, manifestSchema, SUMS_ENTRY, type BackupManifest } from './manifest.js';
import { readPlatformId, type DatabaseTarget } from './targets.js';

const MAX_MANIFEST_BYTES = 64 * 1024 * 1024;

export interface RestoreOptions {
  paths: HelmPaths;
  file: string;
  passphrase?: string;
  /** One component (`files` or a service name); default all. */
  only?: string;
  /** Accept a backup made by another installation (moving to a new machine). */
  allowOtherPlatform?: boolean;
  /**
   * The passphrase of scheduled backups (passphrase.ts), tried when the archive is encrypted and
   * no passphrase was given: a scheduled backup restores on its own machine without typing it.
   */
  defaultPassphrase?: string | undefined;
  /** The databases as configured once the instance files are back (loads the restored master configuration). */
  targets: () => Promise<DatabaseTarget[]>;
  onProgress?: (text: string) => void;
}

export interface RestoreResult {
  manifest: BackupManifest;
  restored: string[];
}

/** An archive extracted and verified into a private folder. */
export interface VerifiedArchive {
  manifest: BackupManifest;
  dir: string;
  fileOf: (entry: string) => string;
}

/** Extracts and checks every entry of `file` into a new private folder under `parent`. */
export async function extractVerified(
  file: string,
  passphrase: string | undefined,
  parent: string,
): Promise<VerifiedArchive> {
  await mkdir(parent, { recursive: true, mode: 0o700 });
  const dir = await mkdtemp(path.join(parent, '.restore-'));
  const fileOf = (entry: string): string => path.join(dir, entry.replace(/\//g, '__'));
  let manifest: BackupManifest | undefined;
  let manifestSha256 = '';
  const seen = new Set<string>();
  try {
    await readArchive(file, passphrase, async (name, size, content) => {
      if (manifest === undefined) {
        if (name !== MANIFEST_ENTRY || size > MAX_MANIFEST_BYTES)
          throw new BackupError('the backup is corrupt (it does not start with its manifest)');
        const chunks: Buffer[] = [];
        for await (const chunk of content) chunks.push(Buffer.from(chunk));
        manifestSha256 = createHash('sha256').update(Buffer.concat(chunks)).digest('hex');
        let raw: unknown;
        try {
          raw = JSON.parse(Buffer.concat(chunks).toString('utf8'));
        } catch {
          throw new BackupError('the backup is corrupt (unreadable manifest)');
        }
        const parsed = manifestSchema.safeParse(raw);
        if (!parsed.success)
          throw new BackupError(
            'the backup is not a HiveMatrix backup of a supported version (manifest not recognised)',
          );
        manifest = parsed.data;
        return;
      }
      if (name === SUMS_ENTRY && !seen.has(name)) {
        seen.add(name);
        checkSums(await text(content, size), manifest, manifestSha256);
        return;
      }
      const expected = manifest.entries[name];
      if (expected === undefined || seen.has(name))
        throw new BackupError(`the backup is corrupt (entry ${name} is not in its manifest)`);
      seen.add(name);
      const hash = createHash('sha256');
      const out = createWriteStream(fileOf(name), { flags: 'wx', mode: 0o600 });
      const closed = once(out, 'close');
      try {
        for await (const chunk of content) {
          hash.update(chunk);
          if (!out.write(chunk)) await once(out, 'drain');
        }
      } finally {
        out.end();
        await closed;
      }
      if (size !== expected.size || hash.digest('hex') !== expected.sha256)
        throw new BackupError(`the backup is corrupt (checksum of ${name} does not match)`);
    });
    if (manifest === undefined) throw new BackupError('the backup is empty');
    const missing = Object.keys(manifest.entries).filter((name) => !seen.has(name));
    if (missing.length > 0)
      throw new BackupError(`the backup is incomplete (${missing.length} entries missing, e.g. ${missing[0] ?? ''})`);
    return { manifest, dir, fileOf };
  } catch (error) {
    await rm(dir, { recursive: true, force: true });
    throw error;
  }
}

async function text(content: AsyncIterable<Uint8Array>, size: number): Promise<string> {
  if (size > MAX_MANIFEST_BYTES) throw new BackupError(`the backup is corrupt (${SUMS_ENTRY} is too large)`);
  const chunks: Buffer[] = [];
  for await (const chunk of content) chunks.push(Buffer.from(chunk));
  return Buffer.concat(chunks).toString('utf8');
}

/** SHA256SUMS (for operators) must agree with the manifest (what restore checks), line for line. */
function checkSums(sums: string, manifest: BackupManifest, manifestSha256: string): void {
  const expected = new Map<string, string>([
    [MANIFEST_ENTRY, manifestSha256],
    ...Object.entries(manifest.entries).map(([name, info]): [string, string] => [name, info.sha256]),
  ]);
  const lines = sums.split('\n').filter((line) => line !== '');
  const agrees =
    lines.length === expected.size &&
    lines.every((line) => {
      const match = /^([0-9a-f]{64}) {2}(.+)$/.exec(line);
      return match !== null && expected.get(match[2] ?? '') === match[1];
    });
  if (!agrees) throw new BackupError(`the backup is corrupt (${SUMS_ENTRY} does not match its manifest)`);
}

/** Writes one instance file back with its recorded mode, atomically. */
async function putBack(instance: string, entry: string, bytes: Buffer, mode: number): Promise<void> {
  const relative = entry.slice(FILES_COMPONENT.length + 1);
  const target = path.join(instance, relative);
  if (!target.startsWith(`${path.resolve(instance)}${path.sep}`))
    throw new BackupError(`refusing to write outside the instance folder: ${entry}`);
  await mkdir(path.dirname(target), { recursive: true, mode: 0o700 });
  const temporary = `${target}.restore-${process.pid}`;
  await writeFile(temporary, bytes, { mode: mode & 0o777 });
  await chmod(temporary, mode & 0o777);
  await rename(temporary, target);
}

/** The component names of a manifest. */
export function componentNames(manifest: BackupManifest): string[] {
  return manifest.components.map((component) => component.name);
}

/** Restores `options.file` (see the file comment for the order). */
export async function restoreBackup(options: RestoreOptions): Promise<RestoreResult> {
  const { paths } = options;
  const progress = options.onProgress ?? (() => undefined);
  progress('checking the archive');
  const info = await stat(options.file).catch(() => undefined);
  if (info === undefined || !info.isFile())
    throw new BackupError(
      `${options.file} is not a backup file (${info === undefined ? 'it does not exist' : 'it is a folder'})`,
    );
  // After a wipe the instance folder is gone: recreate it with the modes the platform needs
  // (searchable by the embedded server's user when helm runs as root).
  await prepareInstance(paths);
  const fallback =
    options.passphrase === undefined &&
    options.defaultPassphrase !== undefined &&
    (await isEncrypted(options.file)) === true;
  const archive = await extractVerified(
    options.file,
    fallback ? options.defaultPassphrase : options.passphrase,
    paths.backupsDir,
  ).catch((error: unknown) => {
    if (fallback && error instanceof BackupError && /wrong passphrase/.test(error.message)) {
      throw new BackupError(
        'this backup is encrypted, but not with the passphrase of scheduled backups: give its passphrase (--passphrase-stdin)',
      );
    }
    throw error;
  });
  try {
    const { manifest } = archive;
    const current = await readPlatformId(paths);
    if (current !== undefined && current !== manifest.platform_id && options.allowOtherPlatform !== true) {
      throw new BackupError(
        `this backup was made by another HiveMatrix installation (platform ${manifest.platform_id}, made on ${manifest.hostname}); this one is ${current}. Restore it anyway with --other-platform`,
      );
    }
    const names = componentNames(manifest);
    if (options.only !== undefined && !names.includes(options.only)) {
      throw new BackupError(`the backup has no component ${JSON.stringify(options.only)}; it has ${names.join(', ')}`);
    }
    const chosen = manifest.components.filter(
      (component) => options.only === undefined || component.name === options.only,
    );
    const restored: string[] = [];

    for (const component of chosen) {
      if (component.type !== 'files') continue;
      progress(`instance files (${component.entries.length})`);
      for (const entry of component.entries) {
        const info = manifest.entries[entry];
        if (info === undefined) throw new BackupError(`the backup is corrupt (no checksum for ${entry})`);
        await putBack(paths.instance, entry, await readFile(archive.fileOf(entry)), info.mode);
      }
      restored.push(component.name);
    }

    const databases = chosen.filter((component) => component.type === 'database');
    if (databases.length > 0) {
      const targets = await options.targets();
      for (const component of databases) {
        const target = targets.find((candidate) => candidate.component === component.name);
        if (target === undefined)
          throw new BackupError(
            `${component.name} is not an active service with a database in this installation's configuration`,
          );
        progress(`database ${component.name}`);
        const result = await restoreDatabase(target, component, archive.fileOf, (step) =>
          progress(`  ${component.name}: ${step}`),
        );
        progress(`  ${component.name}: ${result.tables} tables, ${result.rows} rows`);
        restored.push(component.name);
      }
    }
    return { manifest, restored };
  } finally {
    await rm(archive.dir, { recursive: true, force: true });
  }
}
