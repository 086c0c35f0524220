/**
 * Ending every identity session of a user from the server side (admin "log out", disabling or
 * deleting a user): each relying party that took part in a session gets its OIDC Back-Channel
 * Logout request (a logout_token with `sub` and that session's `sid`), then every session, grant,
 * code and token of the user is deleted.
 */
import type { FastifyBaseLogger } from 'fastify';
import type { Provider } from 'oidc-provider';
import { claimEndedSessions, deleteAccountRecords, liveSessionsOf, sessionIdsOf } from '../db/index.js';
import type { IdentityDb } from '../db/index.js';

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

/** Keycloak's UserSessionRepresentation, one per client session (its `id` is that client's `sid`). */
export interface UserSessionRepresentation {
  id: string;
  userId: string;
  start: number;
  lastAccess: number;
  clients: Record<string, string>;
}

/**
 * The user's live sessions as Keycloak's `GET /users/{id}/sessions` lists them. Keycloak's
 * session id is the `sid` of its tokens; oidc-provider gives each client of a session its own
 * `sid`, so each (session, client) pair is listed with that `sid` as its id: a relying party finds
 * its own `sid` there exactly while the session lives.
 */
export async function userSessions(db: IdentityDb, accountId: string, now: Date): Promise<UserSessionRepresentation[]> {
  const sessions = await liveSessionsOf(db, accountId, now);
  return sessions.flatMap((session) =>
    Object.entries(session.authorizations).map(([clientId, { sid }]) => ({
      id: sid,
      userId: accountId,
      start: (session.loginTs ?? 0) * 1000,
      lastAccess: (session.loginTs ?? 0) * 1000,
      clients: { [clientId]: clientId },
    })),
  );
}

/**
 * Sends the back-channel logout of every session that reached its end (OIDC Back-Channel Logout
 * 1.0 §2.5 lets an OP notify on any session end, expiry included), so no session of a relying
 * party outlives the identity session it came from. Run every few seconds.
 */
export async function sweepEndedSessions(
  deps: { db: IdentityDb; provider: Provider; logger: FastifyBaseLogger },
  now: Date,
): Promise<number> {
  const ended = await claimEndedSessions(deps.db, now);
  const deliveries: Promise<unknown>[] = [];
  for (const session of ended) {
    for (const [clientId, { sid }] of Object.entries(session.authorizations)) {
      const client = await deps.provider.Client.find(clientId);
      if (client?.backchannelLogoutUri === undefined) continue;
      // Failures are logged and retried by the delivery; the session is over either way.
      deliveries.push(client.backchannelLogout(session.accountId, sid).catch(() => undefined));
    }
  }
  await Promise.all(deliveries);
  if (ended.length > 0)
    deps.logger.info({ sessions: ended.length }, 'ended identity sessions announced by back-channel logout');
  return ended.length;
}
