/**
 * Making a backup: the instance files (master configuration, secrets, signing keys,
 * certificates) and a logical dump of every service database, laid out in a private folder under
 * instance/backups as they will be in the archive, then written as one tar.gz (archive.ts),
 * age-encrypted with a passphrase, the manifest first.
 */
import { createHash } from 'node:crypto';
import { chmod, lstat, mkdir, mkdtemp, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import path from 'node:path';
import type { HelmPaths } from '../paths.js';
import { AGE_EXTENSION, TAR_GZ_EXTENSION, writeArchive } from './archive.js';
import { dumpDatabase } from './db-dump.js';
import { BackupError } from './errors.js';
import { sha256File } from './file-hash.js';
import { copyOffsite } from './offsite.js';
import { FILES_COMPONENT, MANIFEST_ENTRY, SUMS_ENTRY, type BackupComponent, type BackupManifest } from './manifest.js';
import { ensurePlatformId, type DatabaseTarget } from './targets.js';

/** Instance folders that hold what cannot be regenerated (everything else helm writes from these). */
const INSTANCE_FOLDERS = ['configs', 'secrets', 'keys', 'certs'] as const;
const MAX_FILE_BYTES = 16 * 1024 * 1024;

export interface CreateBackupOptions {
  paths: HelmPaths;
  targets: readonly DatabaseTarget[];
  trigger: 'manual' | 'scheduled';
  passphrase?: string;
  /** Where to write; default instance/backups/<generated name>. */
  output?: string;
  now?: () => Date;
  onProgress?: (text: string) => void;
  /** A folder to copy the finished backup to (see offsite.ts). */
  copyTo?: string;
  /** log2 of scrypt's N for the passphrase (archive.ts); tests lower it to stay fast. */
  scryptWorkFactor?: number;
}

export interface CreatedBackup {
  file: string;
  size: number;
  manifest: BackupManifest;
  /** The off-site copy, when one was asked for. */
  copy?: string;
}

/** `hivematrix-2026-11-25T02-00-00Z-scheduled.tar.gz[.age]`: sortable, and tells a scheduled backup apart. */
export function backupFileName(at: Date, trigger: 'manual' | 'scheduled', encrypted: boolean): string {
  const stamp = at
    .toISOString()
    .replace(/\.\d{3}Z$/, 'Z')
    .replace(/:/g, '-');
  return `hivematrix-${stamp}-${trigger}${encrypted ? AGE_EXTENSION : TAR_GZ_EXTENSION}`;
}

/** Regular files under `dir`, relative to `base`; symlinks and sockets are not followed or kept. */
async function walk(dir: string, base: string): Promise<string[]> {
  const found: string[] = [];
  let names: string[];
  try {
    names = (await readdir(dir)).sort();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return found;
    throw error;
  }
  for (const name of names) {
    const full = path.join(dir, name);
    const info = await lstat(full);
    if (info.isDirectory()) found.push(...(await walk(full, base)));
    else if (info.isFile()) found.push(path.relative(base, full).split(path.sep).join('/'));
  }
  return found;
}

/** Makes a backup; returns the archive written (mode 0600 in a 0700 folder). */
export async function createBackup(options: CreateBackupOptions): Promise<CreatedBackup> {
  const { paths } = options;
  const now = (options.now ?? (() => new Date()))();
  const progress = options.onProgress ?? (() => undefined);
  await mkdir(paths.backupsDir, { recursive: true, mode: 0o700 });
  await chmod(paths.backupsDir, 0o700);
  const platformId = await ensurePlatformId(paths);
  const output = path.resolve(
    options.output ??
      path.join(paths.backupsDir, backupFileName(now, options.trigger, options.passphrase !== undefined)),
  );
  if (
    await stat(output).then(
      () => true,
      () => false,
    )
  )
    throw new BackupError(`${output} already exists`);

  // The staging folder is laid out as the archive: its paths are the entry names.
  const staging = await mkdtemp(path.join(paths.backupsDir, '.staging-'));
  try {
    const names: string[] = [];
    const entries: BackupManifest['entries'] = {};
    const components: BackupComponent[] = [];

    progress('instance files (configuration, secrets, keys, certificates)');
    const fileEntries: string[] = [];
    for (const folder of INSTANCE_FOLDERS) {
      for (const relative of await walk(path.join(paths.instance, folder), paths.instance)) {
        const full = path.join(paths.instance, relative);
        const info = await stat(full);
        if (info.size > MAX_FILE_BYTES)
          throw new BackupError(
            `${full} is larger than ${MAX_FILE_BYTES} bytes; it does not belong in the instance folders`,
          );
        const bytes = await readFile(full);
        const name = `${FILES_COMPONENT}/${relative}`;
        const mode = info.mode & 0o7777;
        entries[name] = { sha256: createHash('sha256').update(bytes).digest('hex'), size: bytes.length, mode };
        const copy = path.join(staging, name);
        await mkdir(path.dirname(copy), { recursive: true, mode: 0o700 });
        // Written with its own mode, so that an archive extracted by hand holds the modes too.
        await writeFile(copy, bytes, { mode: 0o600 });
        await chmod(copy, (mode & 0o777) | 0o400);
        names.push(name);
        fileEntries.push(name);
      }
    }
    components.push({ name: FILES_COMPONENT, type: 'files', entries: fileEntries });

    for (const target of options.targets) {
      progress(`database ${target.component} (${target.database})`);
      const prefix = `db/${target.component}`;
      await mkdir(path.join(staging, prefix), { recursive: true, mode: 0o700 });
      const dump = await dumpDatabase(
        target.url,
        prefix,
        (entry) => path.join(staging, entry),
        (table, rows) => progress(`  ${target.component}: ${table} ${rows} rows`),
      );
      for (const { entry, file } of dump.files) {
        entries[entry] = { sha256: await sha256File(file), size: (await stat(file)).size, mode: 0o600 };
        names.push(entry);
      }
      components.push({
        name: target.component,
        type: 'database',
        database: target.database,
        role: target.role,
        migrations: dump.migrations,
        tables: dump.tables,
        sequences: dump.sequences,
      });
    }

    const manifest: BackupManifest = {
      kind: 'hivematrix-backup',
      version: 1,
      created_at: now.toISOString(),
      platform_id: platformId,
      hostname: hostname(),
      trigger: options.trigger,
      components,
      entries,
    };
    const manifestBytes = Buffer.from(JSON.stringify(manifest, null, 2));
    await writeFile(path.join(staging, MANIFEST_ENTRY), manifestBytes, { mode: 0o600 });
    await writeFile(path.join(staging, SUMS_ENTRY), sha256Sums(manifestBytes, manifest), { mode: 0o600 });

    progress(`writing ${path.basename(output)}${options.passphrase === undefined ? '' : ' (encrypted)'}`);
    const partial = `${output}.partial`;
    await rm(partial, { force: true });
    try {
      await writeArchive(partial, staging, [MANIFEST_ENTRY, SUMS_ENTRY, ...names], {
        passphrase: options.passphrase,
        mtime: now,
        ...(options.scryptWorkFactor === undefined ? {} : { scryptWorkFactor: options.scryptWorkFactor }),
      });
      await chmod(partial, 0o600);
      await rename(partial, output);
    } catch (error) {
      await rm(partial, { force: true });
      throw error;
    }
    const created: CreatedBackup = { file: output, size: (await stat(output)).size, manifest };
    if (options.copyTo === undefined) return created;
    progress(`copying to ${options.copyTo}`);
    return { ...created, copy: await copyOffsite(output, options.copyTo) };
  } finally {
    await rm(staging, { recursive: true, force: true });
  }
}

/** `SHA256SUMS`: the manifest's and every entry's sha256, in `sha256sum` format (two spaces). */
export function sha256Sums(manifestBytes: Buffer, manifest: BackupManifest): string {
  const lines = [`${createHash('sha256').update(manifestBytes).digest('hex')}  ${MANIFEST_ENTRY}`];
  for (const [name, info] of Object.entries(manifest.entries)) lines.push(`${info.sha256}  ${name}`);
  return `${lines.join('\n')}\n`;
}
