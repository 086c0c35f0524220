/**
 * User management rules, shared by the admin API, the first start and the test harness:
 * what a valid username, e-mail and name are, and creating a user with a password and groups in
 * one transaction. Errors are AppErrors whose `errors[].path` names the field (Keycloak's `field`).
 */
import { AppError } from '@hivematrix/sdk';
import { addMembership, findGroupsByName, insertUser, uniqueViolation } from '../db/index.js';
import type { IdentityDb, UniqueViolation, UserRow } from '../db/index.js';
import { passwordProblem, type PasswordHasher } from './passwords.js';

/** Letters, digits and `. _ - @ +`, 3 to 255 characters (Keycloak's default length rule). */
const USERNAME = /^[\p{L}\p{N}._@+-]{3,255}$/u;
/** A plain address check: one `@`, no spaces or characters that need quoting. */
const EMAIL = /^[^\s@<>()[\]\\,;:"]+@[^\s@<>()[\]\\,;:"]+\.[^\s@<>()[\]\\,;:"]+$/;
// eslint-disable-next-line no-control-regex -- control characters are exactly what we refuse
const CONTROL = /[\u0000-\u001f\u007f]/;

function invalid(field: string, message: string): AppError {
  return new AppError('validation_failed', message, { errors: [{ path: field, message }] });
}

/** The username as stored, or throws `validation_failed` (field `username`). */
export function checkUsername(raw: string): string {
  const username = raw.trim().toLowerCase();
  if (!USERNAME.test(username)) {
    throw invalid('username', 'Username must be 3 to 255 letters, digits or . _ - @ +');
  }
  return username;
}

/** The e-mail as stored (null for none), or throws `validation_failed` (field `email`). */
export function checkEmail(raw: string | null | undefined): string | null {
  if (raw === undefined || raw === null || raw.trim() === '') return null;
  const email = raw.trim().toLowerCase();
  if (email.length > 254 || !EMAIL.test(email)) throw invalid('email', 'Invalid email address.');
  return email;
}

/** A first or last name as stored (null for none), or throws `validation_failed`. */
export function checkName(field: 'firstName' | 'lastName', raw: string | null | undefined): string | null {
  if (raw === undefined || raw === null || raw.trim() === '') return null;
  const name = raw.trim();
  if (name.length > 255 || CONTROL.test(name))
    throw invalid(field, `Invalid ${field === 'firstName' ? 'first' : 'last'} name.`);
  return name;
}

/** Throws `validation_failed` (field `password`) unless the password meets the policy. */
export function checkPassword(password: string): void {
  const problem = passwordProblem(password);
  if (problem !== undefined) throw invalid('password', `Invalid password: ${problem}`);
}

/** Keycloak's message for a duplicate. */
export function duplicateMessage(which: UniqueViolation): string {
  return which === 'email' ? 'User exists with same email' : 'User exists with same username';
}

export interface CreateUserInput {
  username: string;
  email?: string | null | undefined;
  firstName?: string | null | undefined;
  lastName?: string | null | undefined;
  /** Keycloak's default for a user created without it is disabled. */
  enabled?: boolean | undefined;
  emailVerified?: boolean | undefined;
  password?: { value: string; temporary: boolean } | undefined;
  /** Group names (or Keycloak paths such as `/admins`); every one must exist. */
  groups?: readonly string[] | undefined;
}

/**
 * Creates a user with its password and memberships atomically. Throws `validation_failed` for a
 * bad field or unknown group and `conflict` for a taken username or e-mail.
 */
export async function createUser(
  deps: { db: IdentityDb; passwords: PasswordHasher },
  input: CreateUserInput,
): Promise<UserRow> {
  const username = checkUsername(input.username);
  const email = checkEmail(input.email);
  const firstName = checkName('firstName', input.firstName);
  const lastName = checkName('lastName', input.lastName);
  if (input.password !== undefined) checkPassword(input.password.value);
  const groupNames = [...new Set(input.groups ?? [])];
  const groups = await findGroupsByName(deps.db, groupNames);
  const missing = groupNames.filter((name) => !groups.some((group) => group.name === name));
  if (missing.length > 0) throw invalid('groups', `Group ${missing.map((name) => `/${name}`).join(', ')} not found`);
  const passwordHash = input.password === undefined ? null : await deps.passwords.hash(input.password.value);

  try {
    return await deps.db.transaction(async (tx) => {
      const user = await insertUser(tx, {
        username,
        email,
        firstName,
        lastName,
        enabled: input.enabled ?? false,
        emailVerified: input.emailVerified ?? false,
        passwordHash,
        temporaryPassword: input.password?.temporary ?? false,
      });
      for (const group of groups) await addMembership(tx, user.id, group.id);
      return user;
    });
  } catch (error) {
    const which = uniqueViolation(error);
    if (which !== undefined)
      throw new AppError('conflict', duplicateMessage(which), {
        errors: [{ path: which, message: duplicateMessage(which) }],
      });
    throw error;
  }
}
