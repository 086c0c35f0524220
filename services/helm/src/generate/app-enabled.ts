/**
 * Turning an app on or off (`apps.<name>.enabled` in the master configuration), as the console and
 * `hivematrix enable|disable` do it, then regenerating the services' files (a disabled app leaves
 * the gateway's menu and routing). The platform's own services (identity, core, nexus, helm)
 * cannot be turned off; an app cannot be turned off while an enabled app depends on it, nor on
 * while an app it depends on is off or not installed. Starting and stopping is the caller's
 * business: the daemon does it at once, without a daemon it happens at the next start.
 */
import { AppError } from '@hivematrix/sdk';
import type { HelmPaths } from '../paths.js';
import { masterConfigSchema, writeJsonAtomic } from '../settings/index.js';
import { activeApps } from './context.js';
import { loadPlatform, syncAll } from './sync.js';
import { GeneratedWriter } from './writer.js';

/** Whether the configuration changed (false when the app already was as asked). */
export async function setAppEnabled(paths: HelmPaths, name: string, enabled: boolean): Promise<{ changed: boolean }> {
  const loaded = await loadPlatform(paths);
  const app = loaded.platform.apps.find((candidate) => candidate.name === name);
  if (app === undefined) throw new AppError('not_found', `No service named ${name}`);
  if (app.kind === 'core')
    throw new AppError('conflict', `${name} is one of the platform's own services and cannot be turned off or on`);
  const settings = loaded.config.apps[name];
  if (settings === undefined) throw new AppError('not_found', `${name} has no entry in the master configuration`);
  if ((settings.enabled !== false) === enabled) return { changed: false };
  const active = activeApps(loaded.context);
  if (enabled) {
    if (!app.installed) throw new AppError('conflict', `${name} is not installed (${app.dir} has no ${app.entry})`);
    // Dependencies that are not apps (postgresql, redis) are the platform's, always there.
    const isApp = (dependency: string) => loaded.platform.apps.some((candidate) => candidate.name === dependency);
    const missing = app.dependsOn.filter(
      (dependency) => isApp(dependency) && !active.some((candidate) => candidate.name === dependency),
    );
    if (missing.length > 0)
      throw new AppError(
        'conflict',
        `${name} needs ${missing.join(', ')}: enable ${missing.length === 1 ? 'it' : 'them'} first`,
      );
  } else {
    const dependants = active
      .filter((candidate) => candidate.dependsOn.includes(name))
      .map((candidate) => candidate.name);
    if (dependants.length > 0)
      throw new AppError(
        'conflict',
        `${dependants.join(', ')} ${dependants.length === 1 ? 'depends' : 'depend'} on ${name}: disable ${dependants.length === 1 ? 'it' : 'them'} first`,
      );
  }
  const next = masterConfigSchema.parse({
    ...loaded.config,
    apps: { ...loaded.config.apps, [name]: { ...settings, enabled } },
  });
  await writeJsonAtomic(paths.masterConfig, next);
  await syncAll(await loadPlatform(paths), new GeneratedWriter(paths, { backupAll: true }));
  return { changed: true };
}
