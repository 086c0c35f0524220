/**
 * `hivematrix update-config` (services.json and master_services.json from the registry) and
 * `hivematrix config sync|write-env|write-conf` (every service's env and conf file from the master
 * configuration; `sync` saves the previous version of every changed file under
 * instance/backups/config/<timestamp>/). A running daemon is told to re-read its configuration;
 * services pick up new env files when they restart.
 */
import { controlRequest, fetchStatus } from '../control-client.js';
import {
  configuredApp,
  loadPlatform,
  syncAll,
  writeConfFile,
  writeEnvFile,
  writeServiceTables,
  GeneratedWriter,
} from '../../generate/index.js';
import type { WriteResult } from '../../generate/index.js';
import { shortPath, type CliContext } from '../io.js';

function report(context: CliContext, results: readonly WriteResult[]): void {
  for (const result of results) {
    const note =
      result.handEdited === true
        ? ` (it had been edited by hand; that version is saved as ${shortPath(result.backup ?? '')})`
        : '';
    if (result.status !== 'unchanged' || note !== '')
      context.io.out(`  ${result.status.padEnd(9)} ${shortPath(result.file)}${note}\n`);
  }
  const unchanged = results.filter((result) => result.status === 'unchanged').length;
  if (unchanged > 0) context.io.out(`  ${unchanged} file${unchanged === 1 ? '' : 's'} already up to date\n`);
}

async function tellDaemon(context: CliContext): Promise<void> {
  if ((await fetchStatus(context.paths)) === undefined) return;
  await controlRequest(context.paths.socket, 'POST', '/reload', { start: false });
  context.io.out(
    'helm has re-read the configuration; restart a service (npx hivematrix restart <service>) to apply its new env file.\n',
  );
}

/** `update-config`. */
export async function updateConfigCommand(context: CliContext): Promise<number> {
  const loaded = await loadPlatform(context.paths);
  if (loaded.created) context.io.out(`created ${shortPath(context.paths.masterConfig)} with new secrets\n`);
  const writer = new GeneratedWriter(context.paths);
  const results = await writeServiceTables(loaded, writer);
  await writer.finish();
  report(context, results);
  const apps = loaded.platform.apps.map((app) => `${app.name}:${app.port}${app.installed ? '' : ' (not installed)'}`);
  context.io.out(`services: ${apps.join(', ')}\n`);
  await tellDaemon(context);
  return 0;
}

/** `config sync`. */
export async function configSyncCommand(context: CliContext): Promise<number> {
  const loaded = await loadPlatform(context.paths);
  const writer = new GeneratedWriter(context.paths, { backupAll: true });
  const results = await syncAll(loaded, writer);
  report(context, results);
  if (results.some((result) => result.backup !== undefined))
    context.io.out(`previous versions saved under ${shortPath(await writer.backupFolder())}\n`);
  await tellDaemon(context);
  return 0;
}

/** `config write-env <app>` and `config write-conf <app>`. */
export async function configWriteCommand(context: CliContext, kind: 'env' | 'conf', name: string): Promise<number> {
  const loaded = await loadPlatform(context.paths);
  const app = configuredApp(loaded, name);
  const writer = new GeneratedWriter(context.paths);
  const result = kind === 'env' ? await writeEnvFile(loaded, app, writer) : await writeConfFile(loaded, app, writer);
  await writer.finish();
  report(context, [result]);
  return 0;
}
