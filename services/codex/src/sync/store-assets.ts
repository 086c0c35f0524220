/**
 * Writing fetched devices. An asset is found by the vendor's device id, never by hostname: a
 * renamed device keeps its row, its contact links and its billing override, and two devices with
 * the same hostname stay two assets (the original collapsed them and under-billed). Sync writes
 * the derived billing type and never touches the override column.
 */
import { and, eq, isNotNull, or, sql } from 'drizzle-orm';
import { assetLinks, assets, companyLinks, storeSecret } from '../db/index.js';
import type { CodexDb } from '../db/index.js';
import { deriveBillingType, describeRmmDeviceType } from '../domain/index.js';
import type { SecretKeyring } from '../domain/index.js';
import type { ExtAsset } from './provider.js';
import { differs, emptyBatch, storeEach, type BatchResult } from './store-directory.js';

/** Upserts the devices of one vendor page. Devices whose site or client maps to no company are skipped (and so archived). */
export async function storeAssets(
  db: CodexDb,
  provider: string,
  items: readonly ExtAsset[],
  secretKey: SecretKeyring | undefined,
  now: Date,
): Promise<BatchResult> {
  const result = emptyBatch();
  const companyOf = new Map<string, number | undefined>();
  let secretsSkipped = 0;
  const placed: { item: ExtAsset; companyId: number }[] = [];
  for (const item of items) {
    if (!companyOf.has(item.companyExternalId)) {
      const [link] = await db
        .select({ companyId: companyLinks.companyId })
        .from(companyLinks)
        .where(and(eq(companyLinks.provider, provider), eq(companyLinks.externalId, item.companyExternalId)));
      companyOf.set(item.companyExternalId, link?.companyId);
    }
    const companyId = companyOf.get(item.companyExternalId);
    if (companyId !== undefined) placed.push({ item, companyId });
  }
  // Each device in its own savepoint: one the database refuses is skipped and named, the page goes on.
  await storeEach(
    db,
    placed,
    result,
    ({ item }) => ({ collection: 'assets', externalId: item.externalId, name: item.hostname }),
    async (db, { item, companyId }) => {
      const kind = { declared: item.declaredType, category: item.category, subtype: item.subtype };
      const values = {
        companyId,
        hostname: item.hostname,
        hardwareType: item.category ?? null,
        rmmDeviceType: describeRmmDeviceType(kind),
        billingTypeDerived: deriveBillingType(kind),
        operatingSystem: item.operatingSystem ?? null,
        intIp: item.intIp ?? null,
        extIp: item.extIp ?? null,
        online: item.online,
        lastSeen: item.lastSeen ?? null,
        lastReboot: item.lastReboot ?? null,
        lastAudit: item.lastAudit ?? null,
        patchStatus: item.patchStatus ?? null,
        backupUsageBytes: item.backupUsageBytes ?? null,
        antivirusProduct: item.antivirusProduct ?? null,
        lastLoggedInUser: item.lastLoggedInUser ?? null,
        domain: item.domain ?? null,
        siteName: item.siteName ?? null,
        description: item.description ?? null,
        portalUrl: item.portalUrl ?? null,
        remoteUrl: item.remoteUrl ?? null,
        udfs: item.udfs ?? {},
      };
      const [link] = await db
        .select({ assetId: assetLinks.assetId })
        .from(assetLinks)
        .where(and(eq(assetLinks.provider, provider), eq(assetLinks.externalId, item.externalId)));
      let assetId = link?.assetId;
      if (assetId === undefined) {
        const [inserted] = await db
          .insert(assets)
          .values({ ...values, createdAt: now, updatedAt: now })
          .returning({ id: assets.id });
        if (inserted === undefined) return;
        assetId = inserted.id;
        await db.insert(assetLinks).values({ assetId, provider, externalId: item.externalId });
        result.created += 1;
      } else {
        const changed = await db
          .update(assets)
          .set({ ...values, archivedAt: null, updatedAt: now })
          .where(
            and(
              eq(assets.id, assetId),
              or(
                isNotNull(assets.archivedAt),
                differs(assets.companyId, values.companyId, 'bigint'),
                differs(assets.hostname, values.hostname, 'text'),
                differs(assets.hardwareType, values.hardwareType, 'text'),
                differs(assets.rmmDeviceType, values.rmmDeviceType, 'text'),
                differs(assets.billingTypeDerived, values.billingTypeDerived, 'text'),
                differs(assets.operatingSystem, values.operatingSystem, 'text'),
                differs(assets.intIp, values.intIp, 'inet'),
                differs(assets.extIp, values.extIp, 'inet'),
                differs(assets.online, values.online, 'boolean'),
                differs(assets.lastSeen, values.lastSeen?.toISOString() ?? null, 'timestamptz'),
                differs(assets.patchStatus, values.patchStatus, 'text'),
                differs(assets.backupUsageBytes, values.backupUsageBytes, 'bigint'),
                differs(assets.antivirusProduct, values.antivirusProduct, 'text'),
                differs(assets.lastLoggedInUser, values.lastLoggedInUser, 'text'),
                differs(assets.siteName, values.siteName, 'text'),
                differs(assets.description, values.description, 'text'),
                differs(assets.udfs, values.udfs, 'jsonb'),
              ),
            ),
          )
          .returning({ id: assets.id });
        if (changed.length > 0) result.updated += 1;
      }
      result.seen.push(item.externalId);
      for (const [secretKind, value] of Object.entries(item.secrets ?? {})) {
        if (secretKey === undefined) {
          secretsSkipped += 1;
          continue;
        }
        const stored = await storeSecret(db, secretKey, assetId, secretKind, value, now);
        if (stored.unreadable) {
          result.warnings.push(
            `The stored ${secretKind} of ${item.hostname} could not be decrypted with any configured key; it was replaced with the RMM's current value`,
          );
        }
      }
    },
  );
  if (secretsSkipped > 0)
    result.warnings.push(`${secretsSkipped} secret values were not stored: CODEX_SECRET_KEY is not configured`);
  return result;
}

/** Vendor ids of the assets linked to a provider, with their archived state (for archival). */
export async function knownAssets(db: CodexDb, provider: string) {
  return db
    .select({
      id: assets.id,
      externalId: assetLinks.externalId,
      archived: sql<boolean>`${assets.archivedAt} IS NOT NULL`,
    })
    .from(assetLinks)
    .innerJoin(assets, eq(assets.id, assetLinks.assetId))
    .where(eq(assetLinks.provider, provider));
}
