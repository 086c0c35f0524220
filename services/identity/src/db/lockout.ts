/**
 * Failed-login counting. Known users keep their count on their row; unknown usernames get a row
 * in `login_failures` that counts exactly the same way, so the lockout answer never tells whether
 * a username exists. Every update is one atomic statement, so concurrent attempts cannot slip
 * past the limit.
 */
import { eq, sql } from 'drizzle-orm';
import { loginFailures, users, type IdentityDb } from './schema.js';

/** When the `max`-th failure in a row happens, the username is locked for `lockoutMs`. */
export interface LockoutPolicy {
  maxFailures: number;
  lockoutMs: number;
}

/** Until when an unknown username is locked (null: it is not). */
export async function unknownUsernameLock(db: IdentityDb, username: string): Promise<Date | null> {
  const [row] = await db
    .select({ lockedUntil: loginFailures.lockedUntil })
    .from(loginFailures)
    .where(eq(loginFailures.username, username))
    .limit(1);
  return row?.lockedUntil ?? null;
}

/**
 * Counts one failure for a known user. On reaching the limit the count restarts at zero and the
 * user is locked until `now + lockoutMs`. Returns the user's `locked_until` afterwards.
 */
export async function recordUserFailure(
  db: IdentityDb,
  userId: string,
  now: Date,
  policy: LockoutPolicy,
): Promise<Date | null> {
  const lockUntil = new Date(now.getTime() + policy.lockoutMs).toISOString();
  const reached = sql`${users.failedAttempts} + 1 >= ${policy.maxFailures}`;
  const [row] = await db
    .update(users)
    .set({
      failedAttempts: sql`CASE WHEN ${reached} THEN 0 ELSE ${users.failedAttempts} + 1 END`,
      lockedUntil: sql`CASE WHEN ${reached} THEN ${lockUntil}::timestamptz ELSE ${users.lockedUntil} END`,
    })
    .where(eq(users.id, userId))
    .returning({ lockedUntil: users.lockedUntil });
  return row?.lockedUntil ?? null;
}

/** Counts one failure for a username that does not exist; same rule as `recordUserFailure`. */
export async function recordUnknownFailure(
  db: IdentityDb,
  username: string,
  now: Date,
  policy: LockoutPolicy,
): Promise<Date | null> {
  const lockUntil = new Date(now.getTime() + policy.lockoutMs);
  const lockedAtOnce = policy.maxFailures <= 1;
  const reached = sql`${loginFailures.failures} + 1 >= ${policy.maxFailures}`;
  const [row] = await db
    .insert(loginFailures)
    .values({ username, failures: lockedAtOnce ? 0 : 1, lockedUntil: lockedAtOnce ? lockUntil : null, updatedAt: now })
    .onConflictDoUpdate({
      target: loginFailures.username,
      set: {
        failures: sql`CASE WHEN ${reached} THEN 0 ELSE ${loginFailures.failures} + 1 END`,
        lockedUntil: sql`CASE WHEN ${reached} THEN ${lockUntil.toISOString()}::timestamptz ELSE ${loginFailures.lockedUntil} END`,
        updatedAt: now,
      },
    })
    .returning({ lockedUntil: loginFailures.lockedUntil });
  return row?.lockedUntil ?? null;
}

/** A successful login, or an admin's unlock: the count starts again from zero and any lockout ends. */
export async function clearUserFailures(db: IdentityDb, userId: string): Promise<void> {
  await db.update(users).set({ failedAttempts: 0, lockedUntil: null }).where(eq(users.id, userId));
}

/** Ends every lockout: every user's, and every unknown username's count. */
export async function unlockAll(db: IdentityDb): Promise<void> {
  await db.transaction(async (tx) => {
    await tx.update(users).set({ failedAttempts: 0, lockedUntil: null });
    await tx.delete(loginFailures);
  });
}
