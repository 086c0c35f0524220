/**
 * The life of a platform token, as plain functions over the session store, the token issuer and
 * the identity client: exchange (login), refresh, validate and revoke. No HTTP here; the routes
 * parse requests, call these and present the answers.
 */
import { AppError, type UserClaims } from '@hivematrix/sdk';
import type { IdentityClient } from './identity-client.js';
import { permissionLevelFor } from './permissions.js';
import type { TokenIssuer } from './tokens.js';
import type { Session, SessionClaims, SessionStore } from './sessions/types.js';
import type { UserStatusClient } from './user-status.js';

/** Lifetimes that shape sessions. */
export interface TokenPolicy {
  tokenTtlSec: number;
  /** How long after `exp` a token may still be refreshed. */
  refreshGraceSec: number;
  /** Longest a session lives after login. */
  sessionMaxAgeSec: number;
}

/** What the token functions work with. */
export interface TokenContext {
  store: SessionStore;
  issuer: TokenIssuer;
  identity: IdentityClient;
  /**
   * The user's current state at the identity provider, asked on every refresh; absent when core
   * has no admin client (then a refresh keeps the claims of the login, as before).
   */
  userStatus?: UserStatusClient | undefined;
  /** Clock in milliseconds. */
  now: () => number;
  /** Source of session ids (unguessable: they are the tokens' `jti`). */
  newSessionId: () => string;
  policy: TokenPolicy;
}

/** The answer to a validation. */
export type Validation =
  { valid: true; claims: UserClaims } | { valid: false; reason: 'expired' | 'revoked' | 'invalid' };

/** The answer to a revocation. */
export type Revocation = { revoked: true } | { revoked: false; reason: 'already_revoked' | 'not_found' };

const seconds = (ms: number): number => Math.floor(ms / 1000);

/** A token's exp: one lifetime from now, but never past the end of its session. */
function tokenExpiry(ctx: TokenContext, session: Pick<Session, 'expiresAt'>): number {
  return Math.min(seconds(ctx.now()) + ctx.policy.tokenTtlSec, seconds(session.expiresAt));
}

/**
 * Verifies a genuine user token however long ago it expired (within a session's whole life), so
 * that validation can tell "revoked" from "expired" and an expired token can still be revoked.
 */
function verifyAnyAge(ctx: TokenContext, token: string): ReturnType<TokenIssuer['verifyUserToken']> {
  return ctx.issuer.verifyUserToken(token, ctx.policy.sessionMaxAgeSec + ctx.policy.tokenTtlSec);
}

/**
 * Exchanges an identity access token (and optionally the id token of the same login) for a
 * platform token and a new session. The access token is checked at identity's userinfo; the id
 * token, when given, must verify and name the same subject (OIDC Core §5.3.2), and its `sid` is
 * kept for back-channel logout.
 */
export async function exchangeIdentityToken(
  ctx: TokenContext,
  input: { accessToken: string; idToken?: string | undefined },
): Promise<{ token: string; expires_in: number; session_id: string }> {
  const [info, idToken] = await Promise.all([
    ctx.identity.userInfo(input.accessToken),
    input.idToken === undefined ? Promise.resolve(null) : ctx.identity.verifyIdToken(input.idToken),
  ]);
  if (idToken !== null && idToken.sub !== info.sub) {
    throw new AppError('token_invalid', 'The id token and the access token belong to different users');
  }
  const createdAt = ctx.now();
  const expiresAt = createdAt + ctx.policy.sessionMaxAgeSec * 1000;
  const exp = tokenExpiry(ctx, { expiresAt });
  const session: Session = {
    id: ctx.newSessionId(),
    sub: info.sub,
    username: info.preferred_username,
    name: info.name,
    email: info.email,
    permissionLevel: permissionLevelFor(info.groups),
    groups: info.groups,
    identitySid: idToken?.sid ?? null,
    createdAt,
    expiresAt,
    lastRefreshAt: null,
    tokenExp: exp,
    revokedAt: null,
  };
  await ctx.store.create(session);
  const minted = await ctx.issuer.mintUserToken(session, exp);
  return { token: minted.token, expires_in: exp - seconds(createdAt), session_id: session.id };
}

/**
 * A fresh token for a live session: same jti and claims, new iat/exp. The presented token may
 * have expired up to the refresh grace ago; its session must not be revoked nor past its age.
 */
export async function refreshUserToken(
  ctx: TokenContext,
  token: string,
): Promise<{ token: string; expires_in: number }> {
  const { claims, expired } = await ctx.issuer.verifyUserToken(token, ctx.policy.refreshGraceSec);
  const session = await ctx.store.get(claims.jti);
  if (session?.revokedAt != null) throw new AppError('token_revoked', 'The session has been revoked');
  if (session === null) {
    // Tokens never outlive their session, so an expired token without a session most likely
    // reached the session's maximum age; an unexpired one lost its session (a store reset).
    if (expired) throw new AppError('token_expired', 'The session has reached its maximum age');
    throw new AppError('token_revoked', 'The session has ended');
  }
  if (session.sub !== claims.sub) throw new AppError('token_invalid', 'The token does not match its session');
  const at = ctx.now();
  if (at >= session.expiresAt) throw new AppError('token_expired', 'The session has reached its maximum age');
  const claimsNow = await checkUserAtIdentity(ctx, session);
  const exp = tokenExpiry(ctx, session);
  // Recorded before minting: a revocation racing this refresh then covers the new token's exp.
  const updated = await ctx.store.recordRefresh(session.id, at, exp, claimsNow);
  if (updated === null) throw new AppError('token_revoked', 'The session has ended');
  const minted = await ctx.issuer.mintUserToken(updated, exp);
  return { token: minted.token, expires_in: exp - seconds(at) };
}

const sameGroups = (a: readonly string[], b: readonly string[]): boolean =>
  a.length === b.length && [...a].sort().join('\n') === [...b].sort().join('\n');

/**
 * Asks the identity provider about the session's user before a refresh. A deleted or disabled
 * user, or an identity session that has ended, ends the platform session (revoked, so every
 * service drops its token at once) and refuses the refresh; changed groups are re-derived into
 * the new token. When identity cannot answer the refresh fails (503): a token is never extended
 * without the check, and the gateway keeps the current one until it expires.
 */
async function checkUserAtIdentity(ctx: TokenContext, session: Session): Promise<SessionClaims | undefined> {
  if (ctx.userStatus === undefined) return undefined;
  const status = await ctx.userStatus.status(session.sub);
  const end = async (why: string): Promise<never> => {
    await ctx.store.revoke(session.id, ctx.now());
    throw new AppError('token_revoked', why);
  };
  if (!status.exists) return end('The user no longer exists');
  if (!status.enabled) return end('The user is disabled');
  if (session.identitySid !== null && !status.sessions.includes(session.identitySid))
    return end('The identity session has ended');
  if (sameGroups(status.groups, session.groups)) return undefined;
  return { groups: status.groups, permissionLevel: permissionLevelFor(status.groups) };
}

/** Whether a user token is genuine, unexpired and its session still live. */
export async function validateUserToken(ctx: TokenContext, token: string): Promise<Validation> {
  let verified;
  try {
    verified = await verifyAnyAge(ctx, token);
  } catch (error) {
    if (error instanceof AppError && error.code === 'token_expired') return { valid: false, reason: 'expired' };
    if (error instanceof AppError && error.code === 'token_invalid') return { valid: false, reason: 'invalid' };
    throw error;
  }
  const { claims, expired } = verified;
  const session = await ctx.store.get(claims.jti);
  if (session?.revokedAt != null) return { valid: false, reason: 'revoked' };
  if (expired) return { valid: false, reason: 'expired' };
  // A genuine, unexpired token whose session the store does not know: the session has ended.
  if (session === null) return { valid: false, reason: 'revoked' };
  if (session.sub !== claims.sub) return { valid: false, reason: 'invalid' };
  if (ctx.now() >= session.expiresAt) return { valid: false, reason: 'expired' };
  return { valid: true, claims };
}

/**
 * Ends the session of a genuine user token, expired or not (the original refused nothing but
 * could not tell "already revoked" apart). A token that is not genuine is a 401.
 */
export async function revokeUserToken(ctx: TokenContext, token: string): Promise<Revocation> {
  let claims: UserClaims;
  try {
    ({ claims } = await verifyAnyAge(ctx, token));
  } catch (error) {
    // Genuine but older than any session can be: there is nothing left to revoke.
    if (error instanceof AppError && error.code === 'token_expired') return { revoked: false, reason: 'not_found' };
    throw error;
  }
  const outcome = await ctx.store.revoke(claims.jti, ctx.now(), { sub: claims.sub, tokenExp: claims.exp });
  if (outcome.status === 'revoked') return { revoked: true };
  return { revoked: false, reason: outcome.status };
}
