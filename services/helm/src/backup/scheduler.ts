/**
 * Scheduled backups, run by the daemon's timer: once a day after `backups.hour_utc`, a backup
 * marked `scheduled`, then the scheduled backups beyond the retention counts are deleted. Manual
 * backups are never deleted. Scheduled backups are encrypted with the passphrase file
 * (passphrase.ts: generated at the first start unless the operator names one or turns
 * `backups.encrypt` off). With `backups.copy_to`, each is also copied there (offsite.ts).
 */
import { rm } from 'node:fs/promises';
import type { HelmPaths } from '../paths.js';
import type { BackupSettings } from '../settings/index.js';
import { createBackup, type CreatedBackup } from './create.js';
import { copyToOption, pruneOffsite } from './offsite.js';
import { ensureBackupPassphrase, scheduledPassphrase } from './passphrase.js';
import { listBackups, type BackupListing } from './list.js';
import { chooseRetained } from './retention.js';
import type { DatabaseTarget } from './targets.js';

/** Whether a scheduled backup is due at `now`, given the backups already there. */
export function scheduledBackupDue(now: Date, settings: BackupSettings, existing: readonly BackupListing[]): boolean {
  if (!settings.schedule || now.getUTCHours() < settings.hour_utc) return false;
  const today = now.toISOString().slice(0, 10);
  return !existing.some(
    (backup) => backup.trigger === 'scheduled' && backup.createdAt.toISOString().slice(0, 10) === today,
  );
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

/** One tick of the schedule: a backup when one is due (encrypted when a passphrase file is set), then pruning. */
export async function runScheduledBackup(
  paths: HelmPaths,
  settings: BackupSettings,
  targets: () => DatabaseTarget[],
  now: Date = new Date(),
): Promise<{ created: CreatedBackup | undefined; removed: string[] }> {
  if (!scheduledBackupDue(now, settings, await listBackups(paths.backupsDir)))
    return { created: undefined, removed: [] };
  await ensureBackupPassphrase(settings, paths.instance);
  const passphrase = await scheduledPassphrase(settings, paths.instance);
  const copy = copyToOption(settings, paths.instance);
  const created = await createBackup({
    paths,
    targets: targets(),
    trigger: 'scheduled',
    now: () => now,
    ...copy,
    ...(passphrase === undefined ? {} : { passphrase }),
  });
  const removed = await pruneScheduled(paths.backupsDir, settings);
  if (copy.copyTo !== undefined) await pruneOffsite(copy.copyTo, removed);
  return { created, removed };
}
