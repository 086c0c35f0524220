/**
 * The off-site copy: with `backups.copy_to` (a folder on another disk or a network mount), every
 * backup is also copied there, written under a temporary name, checked against the original's
 * size and sha256, then renamed, so the folder never holds a partial archive under a real name.
 * Scheduled backups that retention prunes locally are pruned there too; manual ones, and files
 * that are not helm's backups, are never touched.
 */
import { chmod, copyFile, mkdir, rename, rm } from 'node:fs/promises';
import path from 'node:path';
import { sha256File } from './file-hash.js';
import { BackupError } from './errors.js';
import { isBackupName } from './list.js';

/** `{ copyTo }` for `createBackup` from the settings (relative to the instance folder, or absolute); empty when unset. */
export function copyToOption(settings: { copy_to?: string | undefined }, instanceDir: string): { copyTo?: string } {
  return settings.copy_to === undefined ? {} : { copyTo: path.resolve(instanceDir, settings.copy_to) };
}

/** Copies a finished backup into `dir`; returns the copy's path. */
export async function copyOffsite(file: string, dir: string): Promise<string> {
  const target = path.join(dir, path.basename(file));
  const partial = `${target}.partial`;
  try {
    await mkdir(dir, { recursive: true, mode: 0o700 });
    await copyFile(file, partial);
    await chmod(partial, 0o600);
    const [original, copy] = await Promise.all([sha256File(file), sha256File(partial)]);
    if (original !== copy) throw new Error('the copy differs from the original');
    await rename(partial, target);
    return target;
  } catch (error) {
    await rm(partial, { force: true }).catch(() => undefined); // the folder may be what failed
    throw new BackupError(
      `the backup ${path.basename(file)} was made but not copied to ${dir}: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
}

/** Removes from `dir` the copies of backups pruned locally (by file name, helm's backups only). */
export async function pruneOffsite(dir: string, removedLocally: readonly string[]): Promise<void> {
  for (const file of removedLocally) {
    const name = path.basename(file);
    if (isBackupName(name)) await rm(path.join(dir, name), { force: true });
  }
}
