/** The gateway's sessions: cookies, the manager that resolves a user on every request, and the stores. */
export {
  clearCookie,
  GATEWAY_COOKIES,
  isOpaqueId,
  LOGIN_COOKIE,
  newOpaqueId,
  parseCookies,
  SESSION_COOKIE,
  setCookie,
  storeKey,
  withoutGatewayCookies,
} from './cookies.js';
export { createSessionManager } from './manager.js';
export type { ActiveSession, RequestLike, SessionManager } from './manager.js';
export { createMemoryStore } from './memory-store.js';
export { createRedisStore } from './redis-store.js';
export { DEFAULT_PREFERENCES } from './types.js';
export type { Preferences, SessionStore } from './types.js';
