/**
 * The files helm generates for the services (env and config files, `services.json`) from the app table
 * and the master configuration, written deterministically; and turning an app on or off, which
 * regenerates them.
 */
export { setAppEnabled } from './app-enabled.js';
export { activeApps, generationContext } from './context.js';
export type { GenerationContext } from './context.js';
export { buildServiceEnv, buildServiceSecrets } from './env-files.js';
export { buildServicesFile } from './services-files.js';
export {
  configuredApp,
  loadPlatform,
  prepareInstance,
  syncAll,
  writeConfFile,
  writeEnvFile,
  writeServiceTables,
} from './sync.js';
export type { LoadedPlatform } from './sync.js';
export { GeneratedWriter } from './writer.js';
export type { WriteResult } from './writer.js';
