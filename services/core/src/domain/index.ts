/**
 * Core's domain: platform tokens and their keys, sessions and their stores, service secrets, and the
 * identity lookups behind them.
 */
export { createIdentityClient } from './identity-client.js';
export type { IdentityClient } from './identity-client.js';
export { readLegacyKeys } from './keys/key-files.js';
export { keyActivationDelaySec, keyRetirementSec, openKeyRing, rotateSigningKey } from './keys/key-ring.js';
export type { KeyRing } from './keys/key-ring.js';
export { deriveSealingKey } from './keys/key-sealing.js';
export { createMemoryKeyStore } from './keys/key-store.js';
export { createPostgresKeyStore } from './keys/postgres-key-store.js';
export { exchangeIdentityToken, refreshUserToken, revokeUserToken, validateUserToken } from './platform-tokens.js';
export type { TokenContext } from './platform-tokens.js';
export { createRequestVerifier } from './request-verifier.js';
export { createServiceDirectory } from './service-secrets.js';
export type { ServiceDirectory } from './service-secrets.js';
export { createMemorySessionStore } from './sessions/memory-store.js';
export { createPostgresSessionStore } from './sessions/postgres-store.js';
export { createRedisSessionStore } from './sessions/redis-store.js';
export { isLive } from './sessions/types.js';
export type { Revocation, Session, SessionStore } from './sessions/types.js';
export { SERVICE_TOKEN_TTL_SEC, createTokenIssuer } from './tokens.js';
export type { TokenIssuer } from './tokens.js';
export { recheckSessions } from './user-recheck.js';
export { createUserStatusClient } from './user-status.js';
export type { UserStatusClient } from './user-status.js';
