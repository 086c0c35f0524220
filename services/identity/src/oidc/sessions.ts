/**
 * Ending every identity session of a user from the server side (admin "log out", disabling or
 * deleting a user): each relying party that took part in a session gets its OIDC Back-Channel
 * Logout request (a logout_token with `sub` and that session's `sid`), then every session, grant,
 * code and token of the user is deleted.
 */
import type { FastifyBaseLogger } from 'fastify';
import type { Provider } from 'oidc-provider';
import { deleteAccountRecords, sessionIdsOf } from '../db/oidc-store.js';
import type { IdentityDb } from '../db/schema.js';

export interface EndSessionsResult {
  sessions: number;
  /** Back-channel logout requests that were answered 200/204. */
  notified: number;
  /** Back-channel logout requests that failed (logged; the sessions end anyway). */
  failed: number;
}

/** Ends all sessions of `accountId` and revokes everything issued to it. */
export async function endUserSessions(
  deps: { db: IdentityDb; provider: Provider; logger: FastifyBaseLogger },
  accountId: string,
): Promise<EndSessionsResult> {
  const { db, provider, logger } = deps;
  const ids = await sessionIdsOf(db, accountId, new Date());
  const deliveries: Promise<boolean>[] = [];
  for (const id of ids) {
    const session = await provider.Session.find(id);
    if (session === undefined) continue;
    for (const [clientId, authorization] of Object.entries(session.authorizations ?? {})) {
      const client = await provider.Client.find(clientId);
      if (client?.backchannelLogoutUri === undefined) continue;
      deliveries.push(
        client.backchannelLogout(accountId, authorization.sid).then(
          () => true,
          (error: unknown) => {
            logger.warn({ err: error, client: clientId }, 'back-channel logout failed');
            return false;
          },
        ),
      );
    }
  }
  const outcomes = await Promise.all(deliveries);
  await deleteAccountRecords(db, accountId);
  const notified = outcomes.filter(Boolean).length;
  return { sessions: ids.length, notified, failed: outcomes.length - notified };
}
