/** Ledger's own billing data (overrides, manual users and devices, line items), read in bulk. */
import { inArray } from 'drizzle-orm';
import type { NodePgDatabase } from 'drizzle-orm/node-postgres';
import type { AnyPgColumn } from 'drizzle-orm/pg-core';
import type { schema } from './schema.js';
import { clientOverrides, deviceOverrides, lineItems, manualDevices, manualUsers, userOverrides } from './schema.js';

export type LedgerDb = NodePgDatabase<typeof schema>;

/** Everything ledger holds for a set of clients and their codex contacts and assets. */
export interface LedgerData {
  clients: Map<string, typeof clientOverrides.$inferSelect>;
  users: Map<number, typeof userOverrides.$inferSelect>;
  devices: Map<number, typeof deviceOverrides.$inferSelect>;
  manualUsers: (typeof manualUsers.$inferSelect)[];
  manualDevices: (typeof manualDevices.$inferSelect)[];
  lineItems: (typeof lineItems.$inferSelect)[];
}

/** Loads ledger's data for the given accounts, or every client's (six queries, whatever the number of clients). */
export async function loadLedgerData(db: LedgerDb, accounts: readonly string[] | 'all'): Promise<LedgerData> {
  const list = accounts === 'all' ? [] : accounts.length === 0 ? [''] : [...accounts];
  // 'all': every client's rows, read before codex says which clients the month has.
  const of = (column: AnyPgColumn) => (accounts === 'all' ? undefined : inArray(column, list));
  const [clients, users, devices, mUsers, mDevices, items] = await Promise.all([
    db.select().from(clientOverrides).where(of(clientOverrides.accountNumber)),
    db.select().from(userOverrides),
    db.select().from(deviceOverrides),
    db.select().from(manualUsers).where(of(manualUsers.accountNumber)),
    db.select().from(manualDevices).where(of(manualDevices.accountNumber)),
    db.select().from(lineItems).where(of(lineItems.accountNumber)),
  ]);
  return {
    clients: new Map(clients.map((row) => [row.accountNumber, row])),
    users: new Map(users.map((row) => [row.contactId, row])),
    devices: new Map(devices.map((row) => [row.assetId, row])),
    manualUsers: mUsers,
    manualDevices: mDevices,
    lineItems: items,
  };
}

/** Sets a client's enabled rate overrides and prepaid hours (the row is created when missing). */
export async function saveClientOverrides(
  db: LedgerDb,
  accountNumber: string,
  values: {
    planName: string | null;
    rateOverrides: Record<string, number>;
    prepaidMonthly: number;
    prepaidYearly: number;
  },
  now: Date,
): Promise<void> {
  const row = {
    planName: values.planName,
    rateOverrides: values.rateOverrides,
    prepaidHoursMonthly: values.prepaidMonthly.toFixed(2),
    prepaidHoursYearly: values.prepaidYearly.toFixed(2),
    updatedAt: now,
  };
  await db
    .insert(clientOverrides)
    .values({ accountNumber, ...row })
    .onConflictDoUpdate({ target: clientOverrides.accountNumber, set: row });
}

/** Adds a line item to a client. */
export async function addLineItem(db: LedgerDb, item: typeof lineItems.$inferInsert): Promise<void> {
  await db.insert(lineItems).values(item);
}
