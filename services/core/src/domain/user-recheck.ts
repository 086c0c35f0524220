/**
 * A periodic look at every user with a live platform session, for changes nobody told core about:
 * a real Keycloak's admin console sends no notice when it disables a user or moves them between
 * groups, and a notice from the embedded identity can be lost. Each round asks identity's admin API
 * about each such user once and revokes the sessions that must end: user gone or disabled, identity
 * session ended, or a permission level other than the one their token carries (tokens are
 * self-contained JWTs, so only a revocation takes an old level away; the gateway's next sign-in
 * issues one at the new level).
 */
import { permissionLevelFor } from './permissions.js';
import { isLive, type Session, type SessionStore } from './sessions/types.js';
import type { UserStatus, UserStatusClient } from './user-status.js';

/** What a round needs. */
export interface RecheckDeps {
  store: SessionStore;
  userStatus: UserStatusClient;
  now: () => number;
  refreshGraceSec: number;
  logger: { info(obj: object, msg?: string): void; warn(obj: object, msg?: string): void };
  /** Most sessions looked at per round. */
  maxSessions?: number;
}

/** Why a session must end given its user's state now, or null when it may go on. */
export function endReason(session: Session, status: UserStatus): string | null {
  if (!status.exists) return 'user deleted';
  if (!status.enabled) return 'user disabled';
  if (session.identitySid !== null && !status.sessions.includes(session.identitySid)) return 'identity session ended';
  if (permissionLevelFor(status.groups) !== session.permissionLevel) return 'permission level changed';
  return null;
}

/** One round; returns how many sessions were revoked. Users identity cannot answer for are skipped. */
export async function recheckSessions(deps: RecheckDeps): Promise<number> {
  const at = deps.now();
  const live = (await deps.store.listAll(deps.maxSessions ?? 10_000)).filter((session) =>
    isLive(session, at, deps.refreshGraceSec),
  );
  const bySub = new Map<string, Session[]>();
  for (const session of live) bySub.set(session.sub, [...(bySub.get(session.sub) ?? []), session]);
  let revoked = 0;
  // One user at a time: a round is background work and must not flood identity.
  for (const [sub, sessions] of bySub) {
    let status: UserStatus;
    try {
      status = await deps.userStatus.status(sub);
    } catch (error) {
      deps.logger.warn(
        { sub, err: error instanceof Error ? error.message : String(error) },
        'user re-check: identity did not answer',
      );
      continue;
    }
    for (const session of sessions) {
      const reason = endReason(session, status);
      if (reason === null) continue;
      const outcome = await deps.store.revoke(session.id, deps.now());
      if (outcome.status === 'revoked') {
        revoked += 1;
        deps.logger.info({ sub, reason }, 'session ended: its user changed at identity');
      }
    }
  }
  return revoked;
}
