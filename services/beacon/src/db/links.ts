/** Queries on display links. Plain functions taking the database, so tests can call them. */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { and, desc, eq, gt, isNull } from 'drizzle-orm';
import type { NodePgDatabase } from 'drizzle-orm/node-postgres';
import { displayLinks, type DisplayLink, type schema } from './schema.js';

export type BeaconDb = NodePgDatabase<typeof schema>;

/** 32 random bytes: 256 bits, far beyond guessing, in a URL-safe form. */
export function newToken(): string {
  return randomBytes(32).toString('base64url');
}

export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

/** A token's shape, checked before any lookup (43 base64url characters). */
export function isTokenShape(token: string): boolean {
  return /^[A-Za-z0-9_-]{43}$/.test(token);
}

export interface NewLink {
  name: string;
  viewSlug: string;
  agent: string | null;
  company: string | null;
  priority: 'low' | 'medium' | 'high' | 'urgent' | null;
  fields: string[];
  expiresAt: Date;
  createdBy: string;
}

/** Creates a link; the token is returned once and only its hash is kept. */
export async function createLink(
  db: BeaconDb,
  link: NewLink,
  now: Date,
): Promise<{ link: DisplayLink; token: string }> {
  const token = newToken();
  const [row] = await db
    .insert(displayLinks)
    .values({ ...link, tokenHash: hashToken(token), createdAt: now })
    .returning();
  if (row === undefined) throw new Error('insert returned no row');
  return { link: row, token };
}

export async function listLinks(db: BeaconDb): Promise<DisplayLink[]> {
  return db.select().from(displayLinks).orderBy(desc(displayLinks.createdAt), desc(displayLinks.id)).limit(500);
}

/** The valid link `token` opens at `now` (not revoked, not expired), or undefined. */
export async function findValidLink(db: BeaconDb, token: string, now: Date): Promise<DisplayLink | undefined> {
  if (!isTokenShape(token)) return undefined;
  const hash = hashToken(token);
  const [row] = await db
    .select()
    .from(displayLinks)
    .where(and(eq(displayLinks.tokenHash, hash), isNull(displayLinks.revokedAt), gt(displayLinks.expiresAt, now)));
  // The index found the row by hash; compare again in constant time so the lookup leaks nothing.
  if (row === undefined || !timingSafeEqual(Buffer.from(row.tokenHash), Buffer.from(hash))) return undefined;
  return row;
}

/** Whether link `id` is still valid at `now`. */
export async function isLinkValid(db: BeaconDb, id: number, now: Date): Promise<boolean> {
  const [row] = await db
    .select({ id: displayLinks.id })
    .from(displayLinks)
    .where(and(eq(displayLinks.id, id), isNull(displayLinks.revokedAt), gt(displayLinks.expiresAt, now)));
  return row !== undefined;
}

/** Records that the link was used, and from where. */
export async function markUsed(db: BeaconDb, id: number, from: string, now: Date): Promise<void> {
  await db
    .update(displayLinks)
    .set({ lastUsedAt: now, lastUsedFrom: from.slice(0, 200) })
    .where(eq(displayLinks.id, id));
}

/** Revokes a link; false when there is no such link or it was already revoked. */
export async function revokeLink(db: BeaconDb, id: number, by: string, now: Date): Promise<boolean> {
  const rows = await db
    .update(displayLinks)
    .set({ revokedAt: now, revokedBy: by })
    .where(and(eq(displayLinks.id, id), isNull(displayLinks.revokedAt)))
    .returning({ id: displayLinks.id });
  return rows.length > 0;
}
