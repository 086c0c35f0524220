/**
 * Backup and restore of this installation, as the CLI, the console and the scheduler run them:
 * the platform loaded from its instance folder, its databases as configured.
 */
import { loadPlatform } from '../generate/index.js';
import type { HelmPaths } from '../paths.js';
import { createBackup, type CreatedBackup } from './create.js';
import { copyToOption } from './offsite.js';
import { restoreBackup, type RestoreResult } from './restore.js';
import { databaseTargets } from './targets.js';

export interface BackupRequest {
  trigger: 'manual' | 'scheduled';
  passphrase?: string;
  output?: string;
  onProgress?: (text: string) => void;
}

/** Backs up every active service database and the instance files. PostgreSQL must be running. */
export async function backupPlatform(paths: HelmPaths, request: BackupRequest): Promise<CreatedBackup> {
  const loaded = await loadPlatform(paths);
  return createBackup({
    paths,
    targets: databaseTargets(loaded),
    ...copyToOption(loaded.config.backups, paths.instance),
    ...request,
  });
}

export interface RestoreRequest {
  file: string;
  passphrase?: string;
  only?: string;
  allowOtherPlatform?: boolean;
  onProgress?: (text: string) => void;
}

/** Restores an archive; the databases are reached with the (restored) master configuration. */
export async function restorePlatform(paths: HelmPaths, request: RestoreRequest): Promise<RestoreResult> {
  return restoreBackup({ paths, ...request, targets: async () => databaseTargets(await loadPlatform(paths)) });
}
