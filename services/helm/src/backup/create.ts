/**
 * Making a backup: the instance files (master configuration, secrets, signing keys,
 * certificates) and a logical dump of every service database, staged in a private folder under
 * instance/backups, then written as one archive (container.ts) with the manifest first.
 */
import { createHash } from 'node:crypto';
import { chmod, lstat, mkdir, mkdtemp, readdir, readFile, rename, rm, stat } from 'node:fs/promises';
import { hostname } from 'node:os';
import path from 'node:path';
import type { HelmPaths } from '../paths.js';
import { writeContainer, type SourceEntry } from './container.js';
import { dumpDatabase } from './db-dump.js';
import { BackupError } from './errors.js';
import { sha256File } from './file-hash.js';
import { copyOffsite } from './offsite.js';
import { FILES_COMPONENT, MANIFEST_ENTRY, type BackupComponent, type BackupManifest } from './manifest.js';
import { ensurePlatformId, type DatabaseTarget } from './targets.js';

export const BACKUP_EXTENSION = '.hmbak';
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
}

export interface CreatedBackup {
  file: string;
  size: number;
  manifest: BackupManifest;
  /** The off-site copy, when one was asked for. */
  copy?: string;
}

/** `hivematrix-2026-11-25T02-00-00Z-scheduled.hmbak`: sortable, and tells a scheduled backup apart. */
export function backupFileName(at: Date, trigger: 'manual' | 'scheduled'): string {
  const stamp = at.toISOString().replace(/\.\d{3}Z$/, 'Z').replace(/:/g, '-');
  return `hivematrix-${stamp}-${trigger}${BACKUP_EXTENSION}`;
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
  const output = path.resolve(options.output ?? path.join(paths.backupsDir, backupFileName(now, options.trigger)));
  if (await stat(output).then(() => true, () => false)) throw new BackupError(`${output} already exists`);

  const staging = await mkdtemp(path.join(paths.backupsDir, '.staging-'));
  try {
    const sources: SourceEntry[] = [];
    const entries: BackupManifest['entries'] = {};
    const components: BackupComponent[] = [];

    progress('instance files (configuration, secrets, keys, certificates)');
    const fileEntries: string[] = [];
    for (const folder of INSTANCE_FOLDERS) {
      for (const relative of await walk(path.join(paths.instance, folder), paths.instance)) {
        const full = path.join(paths.instance, relative);
        const info = await stat(full);
        if (info.size > MAX_FILE_BYTES) throw new BackupError(`${full} is larger than ${MAX_FILE_BYTES} bytes; it does not belong in the instance folders`);
        const bytes = await readFile(full);
        const name = `${FILES_COMPONENT}/${relative}`;
        entries[name] = { sha256: createHash('sha256').update(bytes).digest('hex'), size: bytes.length, mode: info.mode & 0o7777 };
        sources.push({ name, bytes });
        fileEntries.push(name);
      }
    }
    components.push({ name: FILES_COMPONENT, type: 'files', entries: fileEntries });

    for (const target of options.targets) {
      progress(`database ${target.component} (${target.database})`);
      const dump = await dumpDatabase(target.url, `db/${target.component}`, (entry) => path.join(staging, entry.replace(/\//g, '__')), (table, rows) =>
        progress(`  ${target.component}: ${table} ${rows} rows`),
      );
      for (const { entry, file } of dump.files) {
        entries[entry] = { sha256: await sha256File(file), size: (await stat(file)).size, mode: 0o600 };
        sources.push({ name: entry, file });
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
    progress(`writing ${path.basename(output)}${options.passphrase === undefined ? '' : ' (encrypted)'}`);
    const partial = `${output}.partial`;
    await rm(partial, { force: true });
    try {
      await writeContainer(partial, [{ name: MANIFEST_ENTRY, bytes: Buffer.from(JSON.stringify(manifest)) }, ...sources], options.passphrase);
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
