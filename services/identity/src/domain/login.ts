/**
 * Checking a username and password, with lockout and without user enumeration.
 *
 * Every refusal looks the same from outside: an unknown username, a wrong password, a disabled
 * user and a user without a password all get `invalid`, after the same amount of hashing work,
 * and all count towards the same lockout (unknown usernames are counted too), so neither the
 * answer, its timing nor the lockout tells whether an account exists.
 */
import {
  clearUserFailures,
  findUserByUsername,
  normaliseLogin,
  recordUnknownFailure,
  recordUserFailure,
  unknownUsernameLock,
} from '../db/index.js';
import type { IdentityDb, LockoutPolicy, UserRow } from '../db/index.js';
import { PASSWORD_MAX_LENGTH, type PasswordHasher } from './passwords.js';

export type LoginOutcome =
  | { kind: 'ok'; user: UserRow }
  /** Right password, but it was temporary: the user must choose a new one before going on. */
  | { kind: 'password_change_required'; user: UserRow }
  | { kind: 'invalid' }
  | { kind: 'locked'; retryAfterMs: number };

export interface LoginDeps {
  db: IdentityDb;
  passwords: PasswordHasher;
  policy: LockoutPolicy;
  now: () => Date;
}

/** The one message for every refused login. */
export const INVALID_LOGIN_MESSAGE = 'Invalid username or password.';

const MAX_USERNAME_LENGTH = 255;
/** Longer input is no password of ours (the policy caps new ones at PASSWORD_MAX_LENGTH). */
const MAX_LOGIN_PASSWORD_LENGTH = PASSWORD_MAX_LENGTH * 4;

/** "Too many failed attempts. Try again in 15 minutes." (rounded up, at least one minute). */
export function lockoutMessage(retryAfterMs: number): string {
  const minutes = Math.max(1, Math.ceil(retryAfterMs / 60_000));
  return `Too many failed attempts. Try again in ${minutes} ${minutes === 1 ? 'minute' : 'minutes'}.`;
}

function remaining(lockedUntil: Date | null, now: Date): number {
  return lockedUntil === null ? 0 : lockedUntil.getTime() - now.getTime();
}

/** Checks a login attempt and records its outcome (failure count, lockout, reset on success). */
export async function attemptLogin(deps: LoginDeps, usernameInput: string, password: string): Promise<LoginOutcome> {
  const { db, passwords, policy } = deps;
  const username = normaliseLogin(usernameInput);
  const now = deps.now();

  if (username === '' || username.length > MAX_USERNAME_LENGTH || password.length > MAX_LOGIN_PASSWORD_LENGTH) {
    // Not a possible account: no record to count against, but the same work as a real refusal.
    await passwords.verifyDummy(password.slice(0, PASSWORD_MAX_LENGTH));
    return { kind: 'invalid' };
  }

  const user = await findUserByUsername(db, username);
  const lockedFor = remaining(user === undefined ? await unknownUsernameLock(db, username) : user.lockedUntil, now);
  if (lockedFor > 0) return { kind: 'locked', retryAfterMs: lockedFor };

  let passwordMatches = false;
  if (user?.passwordHash != null) passwordMatches = await passwords.verify(user.passwordHash, password);
  else await passwords.verifyDummy(password);

  if (user === undefined || !passwordMatches || !user.enabled) {
    const lockedUntil =
      user === undefined
        ? await recordUnknownFailure(db, username, now, policy)
        : await recordUserFailure(db, user.id, now, policy);
    const lockedNow = remaining(lockedUntil, now);
    return lockedNow > 0 ? { kind: 'locked', retryAfterMs: lockedNow } : { kind: 'invalid' };
  }

  await clearUserFailures(db, user.id);
  return user.temporaryPassword ? { kind: 'password_change_required', user } : { kind: 'ok', user };
}
