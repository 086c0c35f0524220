/**
 * Writes of the override forms. Each form changes one part of a client's overrides (rates, plan or
 * prepaid hours) and keeps the others as stored, so saving the rates never resets the plan.
 */
import { and, eq } from 'drizzle-orm';
import {
  deviceOverrides,
  lineItems,
  manualDevices,
  manualUsers,
  userOverrides,
  loadLedgerData,
  saveClientOverrides,
} from '../db/index.js';
import type { LedgerDb } from '../db/index.js';
import type { DeviceBillingType, UserBillingType } from '../engine/index.js';
import type { LineItemValues } from './override-forms.js';

/** What one client has stored today (defaults when nothing is). */
export async function storedClientOverrides(db: LedgerDb, account: string) {
  const data = await loadLedgerData(db, [account]);
  const row = data.clients.get(account);
  return {
    data,
    planName: row?.planName ?? null,
    rates: row?.rateOverrides ?? {},
    prepaidMonthly: Number(row?.prepaidHoursMonthly ?? 0),
    prepaidYearly: Number(row?.prepaidHoursYearly ?? 0),
  };
}

/** Replaces some of a client's overrides, keeping the rest. */
export async function updateClientOverrides(
  db: LedgerDb,
  account: string,
  patch: { planName?: string | null; rates?: Record<string, number>; prepaidMonthly?: number; prepaidYearly?: number },
  now: Date,
): Promise<void> {
  const current = await storedClientOverrides(db, account);
  await saveClientOverrides(
    db,
    account,
    {
      planName: patch.planName !== undefined ? patch.planName : current.planName,
      rateOverrides: patch.rates ?? current.rates,
      prepaidMonthly: patch.prepaidMonthly ?? current.prepaidMonthly,
      prepaidYearly: patch.prepaidYearly ?? current.prepaidYearly,
    },
    now,
  );
}

/** Sets (or with a null type, removes) the billing type override of a codex contact. */
export async function setUserBillingType(
  db: LedgerDb,
  id: number,
  value: { billingType: UserBillingType | null; customCents: number | null },
): Promise<void> {
  if (value.billingType === null) {
    await db.delete(userOverrides).where(eq(userOverrides.contactId, id));
    return;
  }
  const row = { billingType: value.billingType, customCents: value.customCents };
  await db
    .insert(userOverrides)
    .values({ contactId: id, ...row })
    .onConflictDoUpdate({ target: userOverrides.contactId, set: row });
}

/** Sets (or with a null type, removes) the billing type override of a codex asset. */
export async function setDeviceBillingType(
  db: LedgerDb,
  id: number,
  value: { billingType: DeviceBillingType | null; customCents: number | null },
): Promise<void> {
  if (value.billingType === null) {
    await db.delete(deviceOverrides).where(eq(deviceOverrides.assetId, id));
    return;
  }
  const row = { billingType: value.billingType, customCents: value.customCents };
  await db
    .insert(deviceOverrides)
    .values({ assetId: id, ...row })
    .onConflictDoUpdate({ target: deviceOverrides.assetId, set: row });
}

export async function addManualUser(
  db: LedgerDb,
  account: string,
  user: { fullName: string; billingType: UserBillingType; customCents: number | null },
): Promise<void> {
  await db.insert(manualUsers).values({ accountNumber: account, ...user });
}

export async function addManualDevice(
  db: LedgerDb,
  account: string,
  device: { hostname: string; billingType: DeviceBillingType; customCents: number | null; backupBytes: number },
): Promise<void> {
  await db.insert(manualDevices).values({ accountNumber: account, ...device });
}

export async function addClientLineItem(db: LedgerDb, account: string, item: LineItemValues): Promise<void> {
  await db.insert(lineItems).values({ accountNumber: account, ...item });
}

const REMOVABLE = { 'manual-users': manualUsers, 'manual-devices': manualDevices, 'line-items': lineItems } as const;
export type Removable = keyof typeof REMOVABLE;

/** Removes a manual user, manual device or line item of the client; false when it has no such entry. */
export async function removeClientEntry(db: LedgerDb, account: string, kind: Removable, id: number): Promise<boolean> {
  const table = REMOVABLE[kind];
  const deleted = await db
    .delete(table)
    .where(and(eq(table.id, id), eq(table.accountNumber, account)))
    .returning({ id: table.id });
  return deleted.length > 0;
}
