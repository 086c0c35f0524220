/** `services.json` as the gateway sees it (reloaded when helm rewrites it) and who may open which service. */
export { homeFor, isPublicPath, isRoutable, mayOpen, navFor } from './access.js';
export { watchServicesFile } from './live-registry.js';
export type { LiveRegistry } from './live-registry.js';
