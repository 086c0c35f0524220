/**
 * Loading the whole platform description (registry, discovery, master configuration) and
 * writing every generated file from it. Used by the daemon at each start and by the CLI's
 * `update-config` and `config sync|write-env|write-conf`.
 */
import { chmod, mkdir } from 'node:fs/promises';
import type { HelmPaths } from '../paths.js';
import { findApp, loadPlatformApps } from '../registry/index.js';
import type { AppDefinition, PlatformApps } from '../registry/index.js';
import { ensureMasterConfig, readMasterConfig } from '../settings/index.js';
import type { SecretSources, MasterConfig } from '../settings/index.js';
import { buildServiceConf } from './conf-files.js';
import { activeApp, activeApps, generationContext, type GenerationContext } from './context.js';
import { buildServiceEnv, buildServiceSecrets, renderEnvFile } from './env-files.js';
import { buildMasterServicesFile, buildServicesFile } from './services-files.js';
import type { GeneratedWriter, WriteResult } from './writer.js';

/** The platform as loaded from disk. */
export interface LoadedPlatform {
  paths: HelmPaths;
  platform: PlatformApps;
  config: MasterConfig;
  context: GenerationContext;
  /** The master configuration was created by this load. */
  created: boolean;
}

/**
 * Creates the instance folder with the modes helm relies on: the folder itself searchable (the
 * embedded server's `postgres` user must reach instance/postgres when helm runs as root), the
 * folders holding secrets private.
 */
export async function prepareInstance(paths: HelmPaths): Promise<void> {
  await mkdir(paths.instance, { recursive: true, mode: 0o755 });
  for (const dir of [paths.configsDir, paths.secretsDir, paths.runDir, paths.keysDir, paths.backupsDir]) {
    await mkdir(dir, { recursive: true, mode: 0o700 });
    await chmod(dir, 0o700);
  }
  await mkdir(paths.logsDir, { recursive: true, mode: 0o750 });
}

/** Loads registry, discovery and master configuration (creating or completing the latter). */
export async function loadPlatform(paths: HelmPaths, sources: SecretSources = {}): Promise<LoadedPlatform> {
  const existing = await readMasterConfig(paths.masterConfig);
  const portOverrides = Object.fromEntries(Object.entries(existing?.apps ?? {}).map(([name, app]) => [name, app.port]));
  const platform = await loadPlatformApps(paths, { portOverrides });
  await prepareInstance(paths);
  const { config, created } = await ensureMasterConfig(
    paths.masterConfig,
    platform.apps.map((app) => ({ name: app.name, database: app.database, enabledByDefault: app.enabledByDefault })),
    sources,
  );
  return { paths, platform, config, created, context: generationContext(platform, config, paths) };
}

/** The active app `name`, or an error saying why it is not configured. */
export function configuredApp(loaded: LoadedPlatform, name: string): AppDefinition {
  const app = findApp(loaded.platform, name);
  if (activeApp(loaded.context, name) === undefined) {
    throw new Error(
      app.installed
        ? `${name} is disabled in the master configuration`
        : `${name} is not installed (${app.dir} has no ${app.entry})`,
    );
  }
  return app;
}

/** Writes services.json and master_services.json (`hivematrix update-config`). */
export async function writeServiceTables(loaded: LoadedPlatform, writer: GeneratedWriter): Promise<WriteResult[]> {
  return [
    await writer.writeJson(loaded.paths.servicesFile, buildServicesFile(loaded.context), 0o644),
    await writer.writeJson(loaded.paths.masterServicesFile, buildMasterServicesFile(loaded.context), 0o644),
  ];
}

/** Writes one app's env file. */
export async function writeEnvFile(
  loaded: LoadedPlatform,
  app: AppDefinition,
  writer: GeneratedWriter,
): Promise<WriteResult> {
  return writer.write(loaded.paths.envFile(app.name), renderEnvFile(buildServiceEnv(app, loaded.context)), 0o600);
}

/** Writes one app's conf file. */
export async function writeConfFile(
  loaded: LoadedPlatform,
  app: AppDefinition,
  writer: GeneratedWriter,
): Promise<WriteResult> {
  return writer.writeJson(loaded.paths.confFile(app.name), buildServiceConf(app, loaded.context), 0o600);
}

/** Writes every generated file: the service tables, core's secret hashes, each app's env and conf. */
export async function syncAll(loaded: LoadedPlatform, writer: GeneratedWriter): Promise<WriteResult[]> {
  const results = await writeServiceTables(loaded, writer);
  if (activeApp(loaded.context, 'core') !== undefined) {
    results.push(await writer.writeJson(loaded.paths.serviceSecretsFile, buildServiceSecrets(loaded.context), 0o600));
  }
  for (const app of activeApps(loaded.context)) {
    results.push(await writeEnvFile(loaded, app, writer));
    results.push(await writeConfFile(loaded, app, writer));
  }
  await writer.finish();
  return results;
}
