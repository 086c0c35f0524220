/** Identity's tables and its queries: users, groups, lockout counters and the OpenID provider's records. */
export {
  addMembership,
  countGroups,
  findGroupById,
  findGroupsByName,
  groupsOfUser,
  listGroups,
  membersOfGroup,
  removeMembership,
} from './groups.js';
export {
  clearUserFailures,
  recordUnknownFailure,
  recordUserFailure,
  unknownUsernameLock,
  unlockAll,
} from './lockout.js';
export type { LockoutPolicy } from './lockout.js';
export {
  claimEndedSessions,
  createPgAdapter,
  deleteAccountRecords,
  liveSessionsOf,
  pruneExpired,
  sessionIdsOf,
} from './oidc-store.js';
export { providerSecrets, schema } from './schema.js';
export type { GroupRow, IdentityDb, UserRow } from './schema.js';
export {
  countUsers,
  deleteUser,
  findUserById,
  findUserByUsername,
  insertUser,
  listUsers,
  normaliseLogin,
  setPasswordHash,
  uniqueViolation,
  updateUser,
} from './users.js';
export type { UniqueViolation, UserPatch } from './users.js';
