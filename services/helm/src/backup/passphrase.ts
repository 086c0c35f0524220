/**
 * The passphrase scheduled backups are encrypted with. By default (`backups.encrypt` true, no
 * `backups.passphrase_file`) helm generates one at its first start into
 * instance/secrets/backup-passphrase (0600 in a 0700 folder), as identity does the first admin
 * password, and says where it is: scheduled backups are then encrypted from the first one on,
 * including the copies sent off the machine (`backups.copy_to`). The operator keeps a copy of the
 * passphrase away from the machine, since a backup is needed exactly when the machine is lost.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { readMasterConfig } from '../settings/index.js';
import type { BackupSettings } from '../settings/index.js';
import { BackupError } from './errors.js';

/** The shortest passphrase a backup is encrypted with (the CLI, the console and the schedule). */
export const MIN_PASSPHRASE_LENGTH = 8;
/** Where the generated passphrase lives, relative to the instance folder. */
export const DEFAULT_PASSPHRASE_FILE = 'secrets/backup-passphrase';

/** The passphrase file scheduled backups use (absolute), or undefined when they are not encrypted. */
export function passphraseFile(settings: BackupSettings, instanceDir: string): string | undefined {
  if (!settings.encrypt) return undefined;
  return path.resolve(instanceDir, settings.passphrase_file ?? DEFAULT_PASSPHRASE_FILE);
}

/**
 * Generates the default passphrase file when scheduled backups are encrypted, no other file is
 * configured, and none exists yet. A file the operator named is never created here: a missing one
 * is an error the audit reports, not a reason to invent a passphrase nobody has a copy of.
 * Returns the file scheduled backups use and whether it was just made.
 */
export async function ensureBackupPassphrase(
  settings: BackupSettings,
  instanceDir: string,
): Promise<{ file: string | undefined; created: boolean }> {
  const file = passphraseFile(settings, instanceDir);
  if (file === undefined || settings.passphrase_file !== undefined) return { file, created: false };
  await mkdir(path.dirname(file), { recursive: true, mode: 0o700 });
  // 24 random bytes as base64url: 32 characters, 192 bits, typed or pasted without escaping.
  const passphrase = randomBytes(24).toString('base64url');
  try {
    await writeFile(file, `${passphrase}\n`, { flag: 'wx', mode: 0o600 });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return { file, created: false };
    throw error;
  }
  return { file, created: true };
}

/**
 * The passphrase of scheduled backups, or undefined when `backups.encrypt` is off. A missing
 * file, one others can read, or one too short is refused: a scheduled backup is then not made at
 * all rather than made unencrypted.
 */
export async function scheduledPassphrase(settings: BackupSettings, instanceDir: string): Promise<string | undefined> {
  const file = passphraseFile(settings, instanceDir);
  if (file === undefined) return undefined;
  const info = await stat(file).catch(() => undefined);
  if (info === undefined || !info.isFile())
    throw new BackupError(`backups.passphrase_file: ${file} is not a readable file`);
  if ((info.mode & 0o077) !== 0)
    throw new BackupError(`backups.passphrase_file: ${file} can be read by others; run chmod 600 on it`);
  const passphrase = (await readFile(file, 'utf8')).replace(/\r?\n$/, '');
  if (passphrase.length < MIN_PASSPHRASE_LENGTH)
    throw new BackupError(
      `backups.passphrase_file: the passphrase in ${file} must have at least ${MIN_PASSPHRASE_LENGTH} characters`,
    );
  return passphrase;
}

/**
 * The passphrase of scheduled backups as the master configuration on disk names it, or undefined
 * (no configuration yet, as after a wipe; encryption off; an unusable file). Read only: a restore
 * must not create a configuration it is about to replace.
 */
export async function configuredPassphrase(masterConfigFile: string, instanceDir: string): Promise<string | undefined> {
  const config = await readMasterConfig(masterConfigFile).catch(() => undefined);
  if (config === undefined) return undefined;
  return scheduledPassphrase(config.backups, instanceDir).catch(() => undefined);
}
