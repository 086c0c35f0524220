/**
 * Accounts as the provider sees them: `findAccount` and the claims released for each scope.
 *
 * `groups` is released with `openid` itself (and with the `groups` scope), as Keycloak's group
 * membership mapper adds it to every ID token, access token and userinfo answer regardless of the
 * scopes asked for; core maps it to the platform permission level. A disabled or deleted user
 * has no account, so their tokens stop working at userinfo at once.
 */
import type { Account, FindAccount } from 'oidc-provider';
import { findUserById, groupsOfUser } from '../db/index.js';
import type { IdentityDb, UserRow } from '../db/index.js';

/** Which claims each scope releases (oidc-provider's `claims` option). */
export const CLAIMS_BY_SCOPE: Record<string, string[]> = {
  openid: ['sub', 'groups', 'sid'],
  profile: ['name', 'given_name', 'family_name', 'preferred_username'],
  email: ['email', 'email_verified'],
  groups: ['groups'],
};

/** The scopes the realm knows. */
export const SCOPES = ['openid', 'profile', 'email', 'groups'];

/** Every claim a user can have; the provider filters them by the granted scopes. */
export function userClaims(user: UserRow, groups: readonly string[]): Record<string, unknown> {
  const fullName = [user.firstName, user.lastName]
    .filter((part): part is string => part !== null && part !== '')
    .join(' ');
  return {
    sub: user.id,
    preferred_username: user.username,
    // Core needs a display name; Keycloak would omit it without first/last name.
    name: fullName === '' ? user.username : fullName,
    ...(user.firstName === null ? {} : { given_name: user.firstName }),
    ...(user.lastName === null ? {} : { family_name: user.lastName }),
    ...(user.email === null ? {} : { email: user.email, email_verified: user.emailVerified }),
    groups: [...groups],
  };
}

/**
 * The identity session id (`sid`) of the token the claims are read for (an access token at
 * userinfo, a code at the token endpoint). Released at userinfo too, so a relying party that only
 * holds the access token (core's exchange) can still match a later back-channel logout.
 */
function sessionIdOf(token: unknown): { sid?: string } {
  const sid = typeof token === 'object' && token !== null ? (token as { sid?: unknown }).sid : undefined;
  return typeof sid === 'string' ? { sid } : {};
}

/** The provider's `findAccount`: enabled users only; claims are read fresh on every use. */
export function createFindAccount(db: IdentityDb): FindAccount {
  return async (_ctx, sub, token) => {
    const user = await findUserById(db, sub);
    if (user === undefined || !user.enabled) return undefined;
    const account: Account = {
      accountId: user.id,
      async claims() {
        const current = (await findUserById(db, sub)) ?? user;
        const groups = await groupsOfUser(db, current.id);
        return {
          ...userClaims(
            current,
            groups.map((group) => group.name),
          ),
          ...sessionIdOf(token),
        };
      },
    };
    return account;
  };
}
