/**
 * Backup and restore of the installation, as the CLI, the console and the scheduler run them: the
 * encrypted archives, the service databases' dumps, retention, the off-site copy and the schedule.
 */
export { backupConsole } from './console.js';
export type { BackupConsole } from './console.js';
export { BackupError } from './errors.js';
export { isBackupName, listBackups } from './list.js';
export type { BackupListing } from './list.js';
export { FILES_COMPONENT } from './manifest.js';
export { backupPlatform } from './operations.js';
export {
  configuredPassphrase,
  ensureBackupPassphrase,
  MIN_PASSPHRASE_LENGTH,
  passphraseFile,
  scheduledPassphrase,
} from './passphrase.js';
export { restoreBackup } from './restore.js';
export { runScheduledBackup } from './scheduler.js';
export { databaseTargets } from './targets.js';
