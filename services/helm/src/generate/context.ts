/** What every generator reads: the app table, the master configuration, derived URLs and paths. */
import type { HelmPaths } from '../paths.js';
import type { AppDefinition, PlatformApps } from '../registry/index.js';
import { deriveSettings } from '../settings/index.js';
import type { DerivedSettings, MasterConfig } from '../settings/index.js';

/** Inputs of generation. */
export interface GenerationContext {
  platform: PlatformApps;
  config: MasterConfig;
  derived: DerivedSettings;
  paths: HelmPaths;
}

/** Builds a context (deriving the URLs once). */
export function generationContext(platform: PlatformApps, config: MasterConfig, paths: HelmPaths): GenerationContext {
  return { platform, config, paths, derived: deriveSettings(config, platform.apps) };
}

/** Apps helm configures and runs: installed and not disabled in the master configuration. */
export function activeApps(context: GenerationContext): AppDefinition[] {
  return context.platform.apps.filter((app) => app.installed && context.config.apps[app.name]?.enabled !== false);
}

/** The active app called `name`, if any. */
export function activeApp(context: GenerationContext, name: string): AppDefinition | undefined {
  return activeApps(context).find((app) => app.name === name);
}
