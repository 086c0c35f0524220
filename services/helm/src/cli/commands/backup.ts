/**
 * `hivematrix backup`, `hivematrix backups`, `hivematrix restore FILE`. Progress goes to the
 * terminal line by line. Without a running daemon the embedded PostgreSQL is started for the
 * duration of the command. A restore of everything needs the platform stopped (services must not
 * write while their databases are replaced); with `--only <service>` and a running daemon, that
 * service is stopped first and started again afterwards.
 */
import { daemonPid, controlRequest, problemMessage } from '../control-client.js';
import { CliError, shortPath, table, type CliContext } from '../io.js';
import {
  configuredPassphrase,
  MIN_PASSPHRASE_LENGTH,
  BackupError,
  listBackups,
  backupPlatform,
  restoreBackup,
  FILES_COMPONENT,
  databaseTargets,
} from '../../backup/index.js';
import { startPostgres, type PostgresHandle } from '../../daemon/postgres.js';
import { loadPlatform } from '../../generate/index.js';
import type { Command } from 'commander';
import type { DbLogger } from '@hivematrix/sdk/db';

async function passphraseFrom(context: CliContext, fromStdin: boolean | undefined): Promise<string | undefined> {
  if (fromStdin !== true) return undefined;
  if (context.io.readStdin === undefined) throw new CliError('no standard input to read the passphrase from');
  const passphrase = (await context.io.readStdin()).replace(/\r?\n$/, '');
  if (passphrase.length < MIN_PASSPHRASE_LENGTH)
    throw new CliError(`the passphrase must have at least ${MIN_PASSPHRASE_LENGTH} characters`);
  return passphrase;
}

function cliLogger(context: CliContext): DbLogger {
  const quiet = (): void => undefined;
  return {
    debug: quiet,
    info: quiet,
    warn: (_obj, msg) => context.io.err(`  ! ${msg ?? ''}\n`),
    error: (_obj, msg) => context.io.err(`  ✗ ${msg ?? ''}\n`),
  };
}

/** Runs `work` with the platform's PostgreSQL reachable: the daemon's, or the embedded one started here. */
async function withPostgres<T>(
  context: CliContext,
  running: boolean,
  work: (ensure: () => Promise<void>) => Promise<T>,
): Promise<T> {
  let handle: PostgresHandle | undefined;
  const ensure = async (): Promise<void> => {
    if (running || handle !== undefined) return;
    const loaded = await loadPlatform(context.paths);
    if (loaded.config.databases.mode !== 'embedded') return;
    context.io.out('  starting the embedded PostgreSQL for this command\n');
    const started = await startPostgres(loaded, cliLogger(context), () => {
      throw new CliError(
        `PostgreSQL's port ${loaded.config.databases.embedded.port} is taken by another program; free it or start the platform first`,
      );
    });
    handle = started.handle;
  };
  try {
    return await work(ensure);
  } finally {
    await handle?.stop();
  }
}

function megabytes(bytes: number): string {
  return bytes < 1024 * 1024 ? `${Math.ceil(bytes / 1024)} KB` : `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

/** `hivematrix backup`. */
export async function backupCommand(
  context: CliContext,
  options: { passphraseStdin?: boolean; output?: string },
): Promise<number> {
  const passphrase = await passphraseFrom(context, options.passphraseStdin);
  const running = (await daemonPid(context.paths)) !== undefined;
  const started = Date.now();
  try {
    const backup = await withPostgres(context, running, async (ensure) => {
      await ensure();
      return backupPlatform(context.paths, {
        trigger: 'manual',
        ...(passphrase === undefined ? {} : { passphrase }),
        ...(options.output === undefined ? {} : { output: options.output }),
        onProgress: (text) => context.io.out(`  … ${text}\n`),
      });
    });
    const databases = backup.manifest.components.filter((component) => component.type === 'database').length;
    context.io.out(
      `✓ backup written: ${shortPath(backup.file)} (${megabytes(backup.size)}, ${databases} databases, ${Math.round((Date.now() - started) / 100) / 10} s)\n`,
    );
    if (backup.copy !== undefined) context.io.out(`  copied to ${backup.copy}\n`);
    if (passphrase === undefined)
      context.io.out(
        '  not encrypted: it holds every secret of the platform; keep it private (--passphrase-stdin encrypts)\n',
      );
    return 0;
  } catch (error) {
    if (error instanceof BackupError) throw new CliError(error.message);
    throw error;
  }
}

/** `hivematrix backups`. */
export async function backupsCommand(context: CliContext): Promise<number> {
  const listed = await listBackups(context.paths.backupsDir);
  if (listed.length === 0) {
    context.io.out(`no backups in ${shortPath(context.paths.backupsDir)}\n`);
    return 0;
  }
  const rows = listed.map((item) => [
    item.name,
    item.createdAt.toISOString().replace('.000Z', 'Z'),
    megabytes(item.size),
    item.trigger,
    item.encrypted === null ? 'unreadable' : item.encrypted ? 'yes' : 'no',
  ]);
  context.io.out(`${table(['FILE', 'CREATED', 'SIZE', 'MADE', 'ENCRYPTED'], rows)}\n`);
  return 0;
}

async function control(context: CliContext, action: 'stop' | 'start', name: string): Promise<void> {
  const answer = await controlRequest(context.paths.socket, 'POST', `/services/${encodeURIComponent(name)}/${action}`);
  if (answer.status >= 400) throw new CliError(`could not ${action} ${name}: ${problemMessage(answer)}`);
}

/** `hivematrix restore FILE`. */
export async function restoreCommand(
  context: CliContext,
  file: string,
  options: { only?: string; passphraseStdin?: boolean; otherPlatform?: boolean },
): Promise<number> {
  const passphrase = await passphraseFrom(context, options.passphraseStdin);
  const running = (await daemonPid(context.paths)) !== undefined;
  const only = options.only;
  if (running && (only === undefined || only === 'helm')) {
    throw new CliError(
      `the platform is running: stop it first (npx hivematrix stop), then restore${only === undefined ? '; or restore one service with --only <service>' : " (helm's own database cannot be replaced under it)"}`,
    );
  }
  const stopFirst = running && only !== undefined && only !== FILES_COMPONENT;
  // Without --passphrase-stdin, an encrypted scheduled backup is opened with backups.passphrase_file's passphrase.
  const defaultPassphrase =
    passphrase === undefined
      ? await configuredPassphrase(context.paths.masterConfig, context.paths.instance)
      : undefined;
  const progress = (text: string): void => context.io.out(`  … ${text}\n`);
  try {
    if (stopFirst) {
      progress(`stopping ${only}`);
      await control(context, 'stop', only);
    }
    const result = await withPostgres(context, running, (ensure) =>
      restoreBackup({
        paths: context.paths,
        file,
        ...(passphrase === undefined ? {} : { passphrase }),
        ...(only === undefined ? {} : { only }),
        ...(options.otherPlatform === true ? { allowOtherPlatform: true } : {}),
        ...(passphrase === undefined ? { defaultPassphrase } : {}),
        targets: async () => {
          await ensure();
          return databaseTargets(await loadPlatform(context.paths));
        },
        onProgress: progress,
      }),
    );
    context.io.out(`✓ restored ${result.restored.join(', ')} from the backup of ${result.manifest.created_at}\n`);
    if (!running)
      context.io.out('  start the platform with npx hivematrix start (it regenerates every service configuration)\n');
    return 0;
  } catch (error) {
    if (error instanceof BackupError) throw new CliError(`restore refused: ${error.message}`);
    throw error;
  } finally {
    if (stopFirst) {
      progress(`starting ${only}`);
      await control(context, 'start', only).catch((error: unknown) =>
        context.io.err(`hivematrix: ${error instanceof Error ? error.message : String(error)}\n`),
      );
    }
  }
}

/** Wires `backup`, `backups` and `restore` into the program. */
type Run = (work: () => Promise<number>) => () => Promise<void>;

export function registerBackupCommands(program: Command, context: CliContext, run: Run): void {
  program
    .command('backup')
    .description('back up every service database, the configuration, secrets and keys into instance/backups/')
    .option('--passphrase-stdin', 'encrypt with a passphrase read from standard input')
    .option('--output <file>', 'write the archive here instead')
    .action((options: { passphraseStdin?: boolean; output?: string }) => run(() => backupCommand(context, options))());
  program
    .command('backups')
    .description('list the backups in instance/backups/')
    .action(run(() => backupsCommand(context)));
  program
    .command('restore <file>')
    .description('restore a backup: everything (platform stopped) or one component (--only codex)')
    .option('--only <name>', 'restore one component: files, or a service database')
    .option('--passphrase-stdin', "read the backup's passphrase from standard input")
    .option('--other-platform', "accept another installation's backup (moving to a new machine)")
    .action((file: string, options: { only?: string; passphraseStdin?: boolean; otherPlatform?: boolean }) =>
      run(() => restoreCommand(context, file, options))(),
    );
}
