/** Queries on groups and memberships. Groups are flat (no subgroups), as the realm has always used them. */
import { and, asc, count, eq, ilike, inArray, sql } from 'drizzle-orm';
import { groups, memberships, users, type GroupRow, type IdentityDb, type UserRow } from './schema.js';
import { isUuid } from './users.js';

export async function findGroupById(db: IdentityDb, id: string): Promise<GroupRow | undefined> {
  if (!isUuid(id)) return undefined;
  const [row] = await db.select().from(groups).where(eq(groups.id, id)).limit(1);
  return row;
}

/** Groups by exact name; names not found are simply missing from the result. */
export async function findGroupsByName(db: IdentityDb, names: readonly string[]): Promise<GroupRow[]> {
  if (names.length === 0) return [];
  return db
    .select()
    .from(groups)
    .where(inArray(groups.name, [...names]));
}

/** Groups whose name contains `search` (or equals it with `exact`), by name, paged. */
export async function listGroups(
  db: IdentityDb,
  options: { search?: string | undefined; exact?: boolean | undefined; first: number; max: number },
): Promise<GroupRow[]> {
  const search = options.search?.trim();
  const condition =
    search === undefined || search === ''
      ? undefined
      : options.exact === true
        ? sql`lower(${groups.name}) = ${search.toLowerCase()}`
        : ilike(groups.name, `%${search.replace(/[\\%_]/g, (char) => `\\${char}`)}%`);
  return db.select().from(groups).where(condition).orderBy(asc(groups.name)).offset(options.first).limit(options.max);
}

export async function countGroups(db: IdentityDb): Promise<number> {
  const [row] = await db.select({ total: count() }).from(groups);
  return row?.total ?? 0;
}

/** The groups a user belongs to, by name. */
export async function groupsOfUser(db: IdentityDb, userId: string): Promise<GroupRow[]> {
  return db
    .select({ id: groups.id, name: groups.name, createdAt: groups.createdAt })
    .from(memberships)
    .innerJoin(groups, eq(groups.id, memberships.groupId))
    .where(eq(memberships.userId, userId))
    .orderBy(asc(groups.name));
}

/** Adds a membership; adding one that exists is fine (Keycloak answers 204 either way). */
export async function addMembership(db: IdentityDb, userId: string, groupId: string): Promise<void> {
  await db.insert(memberships).values({ userId, groupId }).onConflictDoNothing();
}

/** Removes a membership; removing one that does not exist is fine. */
export async function removeMembership(db: IdentityDb, userId: string, groupId: string): Promise<void> {
  await db.delete(memberships).where(and(eq(memberships.userId, userId), eq(memberships.groupId, groupId)));
}

/** The members of a group, by username, paged. */
export async function membersOfGroup(db: IdentityDb, groupId: string, first: number, max: number): Promise<UserRow[]> {
  const rows = await db
    .select({ user: users })
    .from(memberships)
    .innerJoin(users, eq(users.id, memberships.userId))
    .where(eq(memberships.groupId, groupId))
    .orderBy(asc(users.username))
    .offset(first)
    .limit(max);
  return rows.map((row) => row.user);
}
