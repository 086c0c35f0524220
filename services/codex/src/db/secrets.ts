/** Stored secrets: written sealed by sync, opened only for an admin's explicit reveal. */
import { and, eq } from 'drizzle-orm';
import { openSecret, sealSecret, secretContext } from '../domain/secret-box.js';
import { secrets } from './schema.js';
import type { CodexDb } from './types.js';

/**
 * Stores `value` for an asset and kind, sealed with `key`. Returns true when the stored value
 * changed (a value equal to the stored one is left alone, so an unchanged key is not re-written
 * every sync).
 */
export async function storeSecret(db: CodexDb, key: Buffer, assetId: number, kind: string, value: string, now: Date): Promise<boolean> {
  const context = secretContext(assetId, kind);
  const [current] = await db.select().from(secrets).where(and(eq(secrets.assetId, assetId), eq(secrets.kind, kind)));
  if (current !== undefined && openSecret(key, current, context) === value) return false;
  const sealed = sealSecret(key, value, context);
  await db
    .insert(secrets)
    .values({ assetId, kind, ...sealed, updatedAt: now })
    .onConflictDoUpdate({ target: [secrets.assetId, secrets.kind], set: { ...sealed, updatedAt: now } });
  return true;
}

/** Opens one secret of an asset; undefined when the asset holds no such secret. */
export async function revealSecret(db: CodexDb, key: Buffer, assetId: number, secretId: number): Promise<{ kind: string; value: string } | undefined> {
  const [row] = await db.select().from(secrets).where(and(eq(secrets.id, secretId), eq(secrets.assetId, assetId)));
  if (row === undefined) return undefined;
  return { kind: row.kind, value: openSecret(key, row, secretContext(assetId, row.kind)) };
}
