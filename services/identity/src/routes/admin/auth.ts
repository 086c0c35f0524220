/**
 * Who may call the admin API, as in Keycloak: a bearer access token from the realm's own token
 * endpoint, either the admin client's (client_credentials) or a signed-in member of `admins`.
 * Tokens are opaque and looked up in the provider's store, so a revoked token, an ended session
 * or a disabled user stops working at once.
 */
import { AppError } from '@hivematrix/sdk';
import type { Provider, StoredToken } from 'oidc-provider';
import { findUserById, groupsOfUser } from '../../db/index.js';
import type { IdentityDb } from '../../db/index.js';

export const ADMINS_GROUP = 'admins';

/** The bearer token of an Authorization header (RFC 6750 §2.1), or undefined. */
export function bearerToken(header: string | undefined): string | undefined {
  const match = header === undefined ? null : /^Bearer +([A-Za-z0-9\-._~+/]+=*) *$/i.exec(header);
  return match?.[1];
}

/** Whether a user token is still bound to a live session and grant (oidc-provider's own rule). */
async function stillBound(provider: Provider, token: StoredToken): Promise<boolean> {
  if (token.grantId === undefined || (await provider.Grant.find(token.grantId)) === undefined) return false;
  if (token.expiresWithSession !== true) return true;
  if (token.sessionUid === undefined) return false;
  const session = await provider.Session.findByUid(token.sessionUid);
  return (
    session !== undefined &&
    session.accountId === token.accountId &&
    session.grantIdFor(token.clientId) === token.grantId
  );
}

export interface AdminCaller {
  kind: 'client' | 'user';
  id: string;
}

/**
 * Returns the caller, or throws `unauthorized` (no or bad token) or `forbidden` (a valid token of
 * someone who is not an admin).
 */
export async function authenticateAdmin(
  deps: { provider: Provider; db: IdentityDb; adminClientId: string },
  authorization: string | undefined,
): Promise<AdminCaller> {
  const token = bearerToken(authorization);
  if (token === undefined) throw new AppError('unauthorized', 'A bearer token is required');

  const clientToken = await deps.provider.ClientCredentials.find(token);
  if (clientToken !== undefined) {
    if (clientToken.clientId !== deps.adminClientId)
      throw new AppError('forbidden', 'This client may not use the admin API');
    return { kind: 'client', id: clientToken.clientId };
  }

  const accessToken = await deps.provider.AccessToken.find(token);
  if (accessToken?.accountId === undefined || !(await stillBound(deps.provider, accessToken))) {
    throw new AppError('unauthorized', 'The token is not valid');
  }
  const user = await findUserById(deps.db, accessToken.accountId);
  if (user === undefined || !user.enabled) throw new AppError('unauthorized', 'The token is not valid');
  const groups = await groupsOfUser(deps.db, user.id);
  if (!groups.some((group) => group.name === ADMINS_GROUP))
    throw new AppError('forbidden', 'Only admins may use the admin API');
  return { kind: 'user', id: user.id };
}
