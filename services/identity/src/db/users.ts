/**
 * Queries on users: lookups, Keycloak-style search, create, update, delete, passwords.
 * Usernames and e-mail addresses are stored lower-cased (as Keycloak does), so every lookup
 * lower-cases its input first.
 */
import { and, asc, count, eq, ilike, or, sql, type SQL } from 'drizzle-orm';
import type { AnyPgColumn } from 'drizzle-orm/pg-core';
import { users, type IdentityDb, type UserRow } from './schema.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** True when `value` can be a user or group id (a malformed id is "not found", not a 500). */
export function isUuid(value: string): boolean {
  return UUID.test(value);
}

/** A username or e-mail address as stored: trimmed and lower-cased. */
export function normaliseLogin(value: string): string {
  return value.trim().toLowerCase();
}

export async function findUserById(db: IdentityDb, id: string): Promise<UserRow | undefined> {
  if (!isUuid(id)) return undefined;
  const [row] = await db.select().from(users).where(eq(users.id, id)).limit(1);
  return row;
}

export async function findUserByUsername(db: IdentityDb, username: string): Promise<UserRow | undefined> {
  const [row] = await db
    .select()
    .from(users)
    .where(eq(users.username, normaliseLogin(username)))
    .limit(1);
  return row;
}

/** The filters of Keycloak's `GET /users` and `GET /users/count`. */
export interface UserFilter {
  /** Matched against username, e-mail, first and last name (see `searchCondition`). */
  search?: string | undefined;
  username?: string | undefined;
  email?: string | undefined;
  firstName?: string | undefined;
  lastName?: string | undefined;
  enabled?: boolean | undefined;
  /** Field filters match exactly (case-insensitive) instead of as substrings. */
  exact?: boolean | undefined;
}

/** Escapes LIKE's wildcards so user text matches literally (backslash is PostgreSQL's default escape). */
function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (char) => `\\${char}`);
}

/**
 * Keycloak's `search` semantics: `"foo"` is an exact match, `*` is a wildcard (`*foo*` infix),
 * and a bare `foo` is a prefix search (`foo*`). Case-insensitive, on every name field.
 */
export function searchCondition(search: string): SQL | undefined {
  const term = search.trim();
  if (term === '') return undefined;
  const fields = [users.username, users.email, users.firstName, users.lastName];
  if (term.length >= 2 && term.startsWith('"') && term.endsWith('"')) {
    const exact = term.slice(1, -1).toLowerCase();
    return or(...fields.map((field) => sql`lower(${field}) = ${exact}`));
  }
  const pattern = term.includes('*') ? term.split('*').map(escapeLike).join('%') : `${escapeLike(term)}%`;
  return or(...fields.map((field) => ilike(field, pattern)));
}

function fieldCondition(column: AnyPgColumn, value: string, exact: boolean): SQL {
  return exact ? sql`lower(${column}) = ${value.trim().toLowerCase()}` : ilike(column, `%${escapeLike(value.trim())}%`);
}

function filterCondition(filter: UserFilter): SQL | undefined {
  const exact = filter.exact === true;
  const conditions: (SQL | undefined)[] = [
    filter.search === undefined ? undefined : searchCondition(filter.search),
    filter.username === undefined ? undefined : fieldCondition(users.username, filter.username, exact),
    filter.email === undefined ? undefined : fieldCondition(users.email, filter.email, exact),
    filter.firstName === undefined ? undefined : fieldCondition(users.firstName, filter.firstName, exact),
    filter.lastName === undefined ? undefined : fieldCondition(users.lastName, filter.lastName, exact),
    filter.enabled === undefined ? undefined : eq(users.enabled, filter.enabled),
  ];
  return and(...conditions);
}

/** Users matching `filter`, ordered by username, from `first` (0-based), at most `max`. */
export async function listUsers(db: IdentityDb, filter: UserFilter, first: number, max: number): Promise<UserRow[]> {
  return db.select().from(users).where(filterCondition(filter)).orderBy(asc(users.username)).offset(first).limit(max);
}

export async function countUsers(db: IdentityDb, filter: UserFilter = {}): Promise<number> {
  const [row] = await db.select({ total: count() }).from(users).where(filterCondition(filter));
  return row?.total ?? 0;
}

/** The fields a new user is created with. */
export interface NewUser {
  username: string;
  email: string | null;
  firstName: string | null;
  lastName: string | null;
  enabled: boolean;
  emailVerified: boolean;
  passwordHash: string | null;
  temporaryPassword: boolean;
}

/** Which unique rule a write broke, when it did. */
export type UniqueViolation = 'username' | 'email';

/** The unique rule a PostgreSQL error broke (23505), looking through Drizzle's wrapper. */
export function uniqueViolation(error: unknown): UniqueViolation | undefined {
  for (
    let current: unknown = error, depth = 0;
    current instanceof Error && depth < 3;
    current = current.cause, depth++
  ) {
    const pgError = current as Error & { code?: unknown; constraint?: unknown };
    if (pgError.code === '23505') {
      if (pgError.constraint === 'users_email_key') return 'email';
      if (pgError.constraint === 'users_username_key') return 'username';
    }
  }
  return undefined;
}

export async function insertUser(db: IdentityDb, user: NewUser): Promise<UserRow> {
  const [row] = await db
    .insert(users)
    .values({
      ...user,
      username: normaliseLogin(user.username),
      email: user.email === null ? null : normaliseLogin(user.email),
    })
    .returning();
  if (row === undefined) throw new Error('insert returned no row');
  return row;
}

/** The fields an update may change (absent: unchanged). */
export interface UserPatch {
  email?: string | null;
  firstName?: string | null;
  lastName?: string | null;
  enabled?: boolean;
  emailVerified?: boolean;
  temporaryPassword?: boolean;
}

export async function updateUser(db: IdentityDb, id: string, patch: UserPatch): Promise<void> {
  const values = {
    ...patch,
    ...(patch.email === undefined || patch.email === null ? {} : { email: normaliseLogin(patch.email) }),
  };
  if (Object.keys(values).length === 0) return;
  await db.update(users).set(values).where(eq(users.id, id));
}

/** Sets a new password hash; a new password also clears any lockout. */
export async function setPasswordHash(
  db: IdentityDb,
  id: string,
  passwordHash: string,
  temporary: boolean,
): Promise<void> {
  await db
    .update(users)
    .set({ passwordHash, temporaryPassword: temporary, failedAttempts: 0, lockedUntil: null })
    .where(eq(users.id, id));
}

export async function deleteUser(db: IdentityDb, id: string): Promise<boolean> {
  if (!isUuid(id)) return false;
  const deleted = await db.delete(users).where(eq(users.id, id)).returning({ id: users.id });
  return deleted.length > 0;
}
