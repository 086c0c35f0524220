/** User management through the identity provider's admin API, and ending users' platform sessions at core. */
export { ACCESS_ALERT_KEY, ACCESS_ALERT_WINDOW_MS, accessAlert, undeliveredSince } from './access-alert.js';
export { createIdentityAdmin } from './admin-client.js';
export type { IdentityAdmin, IdentityGroup, IdentityUser } from './admin-client.js';
export { platformSessionsAt, platformSessionsVia } from './platform-sessions.js';
export type { PlatformSessions } from './platform-sessions.js';
export {
  allGroups,
  asAppError,
  createUserAction,
  listUserPage,
  loadUser,
  logoutAction,
  membershipAction,
  resetPasswordAction,
  unlockAction,
  updateUserAction,
  USERS_PER_PAGE,
} from './user-actions.js';
export type { SessionsResult, UserRow, UsersDeps } from './user-actions.js';
