/** The platform's app table: the registry merged with the apps found on disk, ports, start order, reserved names. */
export { linkWorkspaceModules } from './apps-dir.js';
export { readManifest } from './discover.js';
export { findApp, loadPlatformApps, readRegistry } from './load.js';
export type { AppDefinition, PlatformApps } from './load.js';
export { assignPorts } from './ports.js';
export { RESERVED_NAMES } from './reserved.js';
