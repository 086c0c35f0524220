/**
 * Scheduled backups, run by the daemon's timer: once a day after `backups.hour_utc`, a backup
 * marked `scheduled`, then the scheduled backups beyond the retention counts are deleted. Manual
 * backups are never deleted. With `backups.passphrase_file`, scheduled backups are encrypted with
 * the passphrase that file holds; the operator keeps a copy of it away from the machine, since a
 * backup is needed exactly when the machine is lost. Without it, the files are 0600 in a 0700
 * folder, unencrypted. With `backups.copy_to`, each is also copied there (offsite.ts).
 */
import { readFile, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import type { HelmPaths } from '../paths.js';
import type { BackupSettings } from '../settings/schema.js';
import { MIN_PASSPHRASE_LENGTH } from './container.js';
import { createBackup, type CreatedBackup } from './create.js';
import { BackupError } from './errors.js';
import { copyToOption, pruneOffsite } from './offsite.js';
import { listBackups, type BackupListing } from './list.js';
import { chooseRetained } from './retention.js';
import type { DatabaseTarget } from './targets.js';

/** Whether a scheduled backup is due at `now`, given the backups already there. */
export function scheduledBackupDue(now: Date, settings: BackupSettings, existing: readonly BackupListing[]): boolean {
  if (!settings.schedule || now.getUTCHours() < settings.hour_utc) return false;
  const today = now.toISOString().slice(0, 10);
  return !existing.some((backup) => backup.trigger === 'scheduled' && backup.createdAt.toISOString().slice(0, 10) === today);
}

/** Deletes the scheduled backups retention does not keep; returns their names. */
export async function pruneScheduled(backupsDir: string, settings: BackupSettings): Promise<string[]> {
  const scheduled = (await listBackups(backupsDir)).filter((backup) => backup.trigger === 'scheduled');
  const { remove } = chooseRetained(
    scheduled.map((backup) => ({ file: backup.file, createdAt: backup.createdAt })),
    { daily: settings.keep_daily, weekly: settings.keep_weekly, monthly: settings.keep_monthly },
  );
  for (const backup of remove) await rm(backup.file, { force: true });
  return remove.map((backup) => backup.file);
}

/**
 * The passphrase of scheduled backups, read from `backups.passphrase_file` (relative to the
 * instance folder), or undefined when none is configured. A file others can read, or one too short,
 * is refused: a scheduled backup is then not made at all rather than made unencrypted.
 */
export async function scheduledPassphrase(settings: BackupSettings, instanceDir: string): Promise<string | undefined> {
  if (settings.passphrase_file === undefined) return undefined;
  const file = path.resolve(instanceDir, settings.passphrase_file);
  const info = await stat(file).catch(() => undefined);
  if (info === undefined || !info.isFile()) throw new BackupError(`backups.passphrase_file: ${file} is not a readable file`);
  if ((info.mode & 0o077) !== 0) throw new BackupError(`backups.passphrase_file: ${file} can be read by others; run chmod 600 on it`);
  const passphrase = (await readFile(file, 'utf8')).replace(/\r?\n$/, '');
  if (passphrase.length < MIN_PASSPHRASE_LENGTH) throw new BackupError(`backups.passphrase_file: the passphrase in ${file} must have at least ${MIN_PASSPHRASE_LENGTH} characters`);
  return passphrase;
}

/** One tick of the schedule: a backup when one is due (encrypted when a passphrase file is set), then pruning. */
export async function runScheduledBackup(
  paths: HelmPaths,
  settings: BackupSettings,
  targets: () => DatabaseTarget[],
  now: Date = new Date(),
): Promise<{ created: CreatedBackup | undefined; removed: string[] }> {
  if (!scheduledBackupDue(now, settings, await listBackups(paths.backupsDir))) return { created: undefined, removed: [] };
  const passphrase = await scheduledPassphrase(settings, paths.instance);
  const copy = copyToOption(settings, paths.instance);
  const created = await createBackup({ paths, targets: targets(), trigger: 'scheduled', now: () => now, ...copy, ...(passphrase === undefined ? {} : { passphrase }) });
  const removed = await pruneScheduled(paths.backupsDir, settings);
  if (copy.copyTo !== undefined) await pruneOffsite(copy.copyTo, removed);
  return { created, removed };
}
