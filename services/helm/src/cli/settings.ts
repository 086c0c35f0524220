/** The configuration as CLI commands read it: never created here (that is the daemon's job at start). */
import { generationContext } from '../generate/index.js';
import type { GenerationContext } from '../generate/index.js';
import { loadPlatformApps } from '../registry/index.js';
import { readMasterConfig } from '../settings/index.js';
import { CliError, type CliContext } from './io.js';

/** Loads the registry and the existing master configuration, or explains that there is none yet. */
export async function existingSettings(context: CliContext): Promise<GenerationContext> {
  const config = await readMasterConfig(context.paths.masterConfig);
  if (config === undefined)
    throw new CliError(
      `there is no ${context.paths.masterConfig} yet; run ./start.sh (or npx hivematrix update-config) first`,
    );
  const overrides = Object.fromEntries(Object.entries(config.apps).map(([name, app]) => [name, app.port]));
  const platform = await loadPlatformApps(context.paths, { portOverrides: overrides });
  return generationContext(platform, config, context.paths);
}
