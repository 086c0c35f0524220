/** The console's backup actions as the daemon provides them (routes/backups). */
import type { ServiceControl } from '../control.js';
import type { LoadedPlatform } from '../generate/index.js';
import { createBackup } from './create.js';
import { FILES_COMPONENT } from './manifest.js';
import { copyToOption } from './offsite.js';
import { scheduledPassphrase } from './passphrase.js';
import { restoreBackup } from './restore.js';
import { databaseTargets } from './targets.js';

/** What the console's backup pages (routes/backups) may do. */
export interface BackupConsole {
  backupsDir: string;
  /** Components the console may restore (the files and every service database but helm's). */
  components: () => string[];
  create: (passphrase: string | undefined) => Promise<{ file: string; size: number; copy?: string }>;
  /** Restores one component of `file`, stopping and starting its service around it. */
  restore: (file: string, only: string, passphrase: string | undefined) => Promise<{ restored: string[] }>;
}

/** Backup, list and one-component restore for the running platform. */
export function backupConsole(current: () => LoadedPlatform, control: ServiceControl): BackupConsole {
  const { paths } = current();
  return {
    backupsDir: paths.backupsDir,
    // Not helm's own database: it would be replaced under the console serving the request.
    components: () => [
      FILES_COMPONENT,
      ...databaseTargets(current())
        .map((target) => target.component)
        .filter((name) => name !== 'helm'),
    ],
    create: (passphrase) =>
      createBackup({
        paths,
        targets: databaseTargets(current()),
        trigger: 'manual',
        ...copyToOption(current().config.backups, paths.instance),
        ...(passphrase === undefined ? {} : { passphrase }),
      }),
    async restore(file, only, passphrase) {
      const service = only !== FILES_COMPONENT;
      if (service) await control.stop(only);
      try {
        return await restoreBackup({
          paths,
          file,
          only,
          ...(passphrase === undefined ? {} : { passphrase }),
          // An admin without shell access restores a scheduled backup without its passphrase file's content.
          defaultPassphrase: await scheduledPassphrase(current().config.backups, paths.instance).catch(() => undefined),
          targets: () => Promise.resolve(databaseTargets(current())),
        });
      } finally {
        if (service) await control.start(only);
      }
    },
  };
}
