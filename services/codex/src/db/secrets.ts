/**
 * Stored secrets: written sealed by sync, opened only for an admin's explicit reveal, re-sealed
 * with the current key after a key rotation.
 */
import { and, asc, eq, gt, isNull, ne, or } from 'drizzle-orm';
import { keyIdOf, openWithKeyring, sealSecret, secretContext } from '../domain/index.js';
import type { SecretKeyring } from '../domain/index.js';
import { assets, secrets } from './schema.js';
import type { CodexDb } from './types.js';

/** What storing one value did; `unreadable` when the stored value opened with no configured key. */
export interface StoredSecret {
  changed: boolean;
  unreadable: boolean;
}

/**
 * Stores `value` for an asset and kind, sealed with the ring's current key. A value equal to the
 * stored one is left alone (so an unchanged key is not re-written every sync) unless it was sealed
 * with a previous key. A stored value no configured key opens is replaced by the vendor's value and
 * reported as `unreadable`, never thrown: one such secret must not fail the batch (changing the key
 * used to break every later RMM sync).
 */
export async function storeSecret(
  db: CodexDb,
  ring: SecretKeyring,
  assetId: number,
  kind: string,
  value: string,
  now: Date,
): Promise<StoredSecret> {
  const context = secretContext(assetId, kind);
  const currentId = keyIdOf(ring.current);
  const [stored] = await db
    .select()
    .from(secrets)
    .where(and(eq(secrets.assetId, assetId), eq(secrets.kind, kind)));
  let unreadable = false;
  if (stored !== undefined) {
    try {
      const opened = openWithKeyring(ring, stored, context);
      if (opened.value === value && opened.keyId === currentId && stored.keyId === currentId)
        return { changed: false, unreadable: false };
    } catch {
      unreadable = true;
    }
  }
  const sealed = sealSecret(ring.current, value, context);
  await db
    .insert(secrets)
    .values({ assetId, kind, ...sealed, keyId: currentId, updatedAt: now })
    .onConflictDoUpdate({
      target: [secrets.assetId, secrets.kind],
      set: { ...sealed, keyId: currentId, updatedAt: now },
    });
  return { changed: true, unreadable };
}

/** Opens one secret of an asset; undefined when the asset holds no such secret. */
export async function revealSecret(
  db: CodexDb,
  ring: SecretKeyring,
  assetId: number,
  secretId: number,
): Promise<{ kind: string; value: string } | undefined> {
  const [row] = await db
    .select()
    .from(secrets)
    .where(and(eq(secrets.id, secretId), eq(secrets.assetId, assetId)));
  if (row === undefined) return undefined;
  return { kind: row.kind, value: openWithKeyring(ring, row, secretContext(assetId, row.kind)).value };
}

/** What a re-sealing pass did. `unreadable` names the secrets no configured key opens. */
export interface ResealReport {
  resealed: number;
  unreadable: { secretId: number; assetId: number; hostname: string; kind: string }[];
}

/**
 * Re-seals, in batches, every secret not sealed with the current key (after a rotation, or from
 * before key ids were recorded). Each batch is its own short transaction and each row is updated
 * only if it was not re-written meanwhile, so it can run beside syncs. Secrets no key opens are
 * reported and left as they are (the next RMM sync replaces them with the vendor's value).
 */
export async function resealSecrets(
  db: CodexDb,
  ring: SecretKeyring,
  now: () => Date,
  batchSize = 200,
): Promise<ResealReport> {
  const currentId = keyIdOf(ring.current);
  const report: ResealReport = { resealed: 0, unreadable: [] };
  let after = 0;
  for (;;) {
    const rows = await db
      .select({ secret: secrets, hostname: assets.hostname })
      .from(secrets)
      .innerJoin(assets, eq(assets.id, secrets.assetId))
      .where(and(gt(secrets.id, after), or(isNull(secrets.keyId), ne(secrets.keyId, currentId))))
      .orderBy(asc(secrets.id))
      .limit(batchSize);
    if (rows.length === 0) return report;
    after = rows[rows.length - 1]?.secret.id ?? after;
    await db.transaction(async (tx) => {
      for (const { secret, hostname } of rows) {
        const context = secretContext(secret.assetId, secret.kind);
        let value: string;
        try {
          value = openWithKeyring(ring, secret, context).value;
        } catch {
          report.unreadable.push({ secretId: secret.id, assetId: secret.assetId, hostname, kind: secret.kind });
          continue;
        }
        const sealed = sealSecret(ring.current, value, context);
        const updated = await tx
          .update(secrets)
          .set({ ...sealed, keyId: currentId, updatedAt: now() })
          .where(and(eq(secrets.id, secret.id), eq(secrets.updatedAt, secret.updatedAt)))
          .returning({ id: secrets.id });
        report.resealed += updated.length;
      }
    });
  }
}
