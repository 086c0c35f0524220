/**
 * User management on behalf of an admin, through the identity provider's admin API: every
 * change is recorded in the audit trail, successful or not, and the provider's refusals become
 * typed errors (its 4xx keep their meaning; anything else is a bad gateway).
 */
import { AppError, type ErrorCode } from '@hivematrix/sdk';
import { recordAudit } from '../db/index.js';
import type { HelmDb } from '../db/index.js';
import {
  IdentityAdminError,
  type IdentityAdmin,
  type IdentityGroup,
  type IdentityUser,
  type NewUser,
  type UserPatch,
} from './admin-client.js';
import type { PlatformSessions, SessionsOutcome } from './platform-sessions.js';

/** What the users pages need. */
export interface UsersDeps {
  /** Absent when helm has no admin client (no master configuration): the pages answer 503. */
  identity: IdentityAdmin | undefined;
  db: HelmDb;
  now: () => Date;
  /** Core's revoke-sessions for a user; absent: nothing is asked of core (the page says so). */
  sessions?: PlatformSessions | undefined;
}

/** What became of the user's platform sessions after an action that takes access away. */
export type SessionsResult = SessionsOutcome | { ended: false; error: 'core is not configured' };

/**
 * Asks core to end the user's platform sessions (their tokens carry the old state), and records
 * the answer in the audit trail so a failure is visible later too.
 */
async function endPlatformSessions(deps: UsersDeps, actor: string, user: IdentityUser): Promise<SessionsResult> {
  const outcome: SessionsResult =
    deps.sessions === undefined
      ? { ended: false, error: 'core is not configured' }
      : await deps.sessions.endUserSessions(user.id);
  await recordAudit(deps.db, {
    at: deps.now(),
    actor,
    action: 'user.end_platform_sessions',
    target: user.username,
    result: outcome.ended ? 'success' : 'failure',
    detail: outcome.ended ? `${outcome.revoked} session(s) revoked` : outcome.error,
  });
  return outcome;
}

/** One row of the users list. */
export interface UserRow extends IdentityUser {
  groups: string[];
  /** Locked out by failed logins (null when the provider cannot tell). */
  lockout: { locked: boolean; until: string | null } | null;
}

export const USERS_PER_PAGE = 25;

/** The admin client, or 503 when there is none. */
export function identityOf(deps: UsersDeps): IdentityAdmin {
  if (deps.identity === undefined)
    throw new AppError(
      'service_unavailable',
      "User management needs the identity provider's admin client, which is not configured",
    );
  return deps.identity;
}

/** The provider's error as one of ours. */
export function asAppError(error: unknown): AppError {
  if (error instanceof AppError) return error;
  if (error instanceof IdentityAdminError) {
    const code: ErrorCode =
      error.status === 400
        ? 'validation_failed'
        : error.status === 404
          ? 'not_found'
          : error.status === 409
            ? 'conflict'
            : 'bad_gateway';
    return new AppError(code, error.message.replace(/^[A-Z]+ \S+: /, ''));
  }
  if (error instanceof Error && error.name === 'ZodError')
    return new AppError('bad_gateway', 'The identity provider answered in an unexpected shape');
  return new AppError(
    'bad_gateway',
    `The identity provider could not be reached: ${error instanceof Error ? error.message : String(error)}`,
  );
}

/** Runs `work`, records it as `action` on `target`, and rethrows a failure as an AppError. */
async function audited<T>(
  deps: UsersDeps,
  actor: string,
  action: string,
  target: string,
  work: () => Promise<T>,
  detail: string | null = null,
): Promise<T> {
  try {
    const result = await work();
    await recordAudit(deps.db, { at: deps.now(), actor, action, target, result: 'success', detail });
    return result;
  } catch (error) {
    const failure = asAppError(error);
    await recordAudit(deps.db, { at: deps.now(), actor, action, target, result: 'failure', detail: failure.message });
    throw failure;
  }
}

/** A user with their groups and lockout. */
async function withDetails(identity: IdentityAdmin, user: IdentityUser): Promise<UserRow> {
  // A provider without attack detection cannot tell: the pages then show no lockout.
  const [groups, lockout] = await Promise.all([
    identity.userGroups(user.id),
    identity.lockout(user.id).catch(() => null),
  ]);
  return { ...user, groups: groups.map((group) => group.name).sort(), lockout };
}

/** A page of users matching `q` (anywhere in username, e-mail or names) with their groups. */
export async function listUserPage(
  deps: UsersDeps,
  q: string,
  page: number,
): Promise<{ users: UserRow[]; total: number }> {
  const identity = identityOf(deps);
  // The provider's bare term is a prefix search; `*term*` finds it anywhere.
  const search = q === '' ? undefined : `*${q.replaceAll('*', '')}*`;
  try {
    const [users, total] = await Promise.all([
      identity.listUsers(search, USERS_PER_PAGE, (page - 1) * USERS_PER_PAGE),
      identity.countUsers(search),
    ]);
    const rows = await Promise.all(users.map((user) => withDetails(identity, user)));
    return { users: rows, total };
  } catch (error) {
    throw asAppError(error);
  }
}

/** Every group of the realm, by name. */
export async function allGroups(deps: UsersDeps): Promise<IdentityGroup[]> {
  try {
    return (await identityOf(deps).listGroups()).sort((a, b) => a.name.localeCompare(b.name));
  } catch (error) {
    throw asAppError(error);
  }
}

/** One user with their groups. */
export async function loadUser(deps: UsersDeps, id: string): Promise<UserRow> {
  const identity = identityOf(deps);
  try {
    return await withDetails(identity, await identity.getUser(id));
  } catch (error) {
    throw asAppError(error);
  }
}

/** Creates a user with their password and groups in one request. */
export async function createUserAction(deps: UsersDeps, actor: string, user: NewUser): Promise<IdentityUser> {
  const identity = identityOf(deps);
  const groups = user.groups ?? [];
  return audited(
    deps,
    actor,
    'user.create',
    user.username,
    () => identity.createUser(user),
    groups.length === 0 ? null : `groups: ${groups.join(', ')}`,
  );
}

/** Changes names, e-mail or the enabled flag (disabling ends the user's sessions at the provider). */
export async function updateUserAction(
  deps: UsersDeps,
  actor: string,
  user: IdentityUser,
  patch: UserPatch,
): Promise<SessionsResult | undefined> {
  const identity = identityOf(deps);
  const action =
    patch.enabled === false && user.enabled !== false
      ? 'user.disable'
      : patch.enabled === true && user.enabled === false
        ? 'user.enable'
        : 'user.update';
  await audited(deps, actor, action, user.username, () => identity.updateUser(user.id, patch));
  return action === 'user.disable' ? endPlatformSessions(deps, actor, user) : undefined;
}

/** Sets a new password, temporary (to be changed at next login) or not. */
export async function resetPasswordAction(
  deps: UsersDeps,
  actor: string,
  user: IdentityUser,
  password: string,
  temporary: boolean,
): Promise<SessionsResult> {
  const identity = identityOf(deps);
  await audited(
    deps,
    actor,
    'user.password',
    user.username,
    () => identity.setPassword(user.id, password, temporary),
    temporary ? 'temporary' : 'permanent',
  );
  return endPlatformSessions(deps, actor, user);
}

/** Adds the user to `group` or removes them from it. */
export async function membershipAction(
  deps: UsersDeps,
  actor: string,
  user: IdentityUser,
  group: string,
  add: boolean,
): Promise<SessionsResult> {
  const identity = identityOf(deps);
  await audited(
    deps,
    actor,
    add ? 'user.group_add' : 'user.group_remove',
    user.username,
    () => (add ? identity.addToGroup(user.id, group) : identity.removeFromGroup(user.id, group)),
    group,
  );
  // Platform tokens carry the groups: they are revoked, and the gateway's next sign-in (silent
  // while the identity session lasts) issues one at the new level.
  return endPlatformSessions(deps, actor, user);
}

/** Ends the user's lockout after failed logins. */
export async function unlockAction(deps: UsersDeps, actor: string, user: IdentityUser): Promise<void> {
  const identity = identityOf(deps);
  await audited(deps, actor, 'user.unlock', user.username, () => identity.unlock(user.id));
}

/** Ends every session of the user. */
export async function logoutAction(deps: UsersDeps, actor: string, user: IdentityUser): Promise<SessionsResult> {
  const identity = identityOf(deps);
  await audited(deps, actor, 'user.logout', user.username, () => identity.logout(user.id));
  return endPlatformSessions(deps, actor, user);
}
