/** What identity tells the rest of the platform: a user's access changed, so core ends their sessions. */
export { createPlatformSessions } from './core-sessions.js';
export type { AccessChange } from './core-sessions.js';
