/** The numbers on the dashboard, in one round trip per table. */
import { and, isNull, notInArray, sql } from 'drizzle-orm';
import { CLOSED_STATUSES } from '../domain/index.js';
import { assets, billingPlans, companies, contacts, tickets } from './schema.js';
import type { CodexDb } from './types.js';

export interface DashboardCounts {
  companies: number;
  contacts: number;
  assets: number;
  assetsOnline: number;
  activeTickets: number;
  plans: number;
  assetsByBillingType: Record<string, number>;
}

/** Counts of active records. */
export async function dashboardCounts(db: CodexDb): Promise<DashboardCounts> {
  const count = sql<string>`count(*)`;
  const [companyRows, contactRows, assetRows, ticketRows, planRows] = await Promise.all([
    db.select({ count }).from(companies).where(isNull(companies.archivedAt)),
    db.select({ count }).from(contacts).where(isNull(contacts.archivedAt)),
    db
      .select({ billingType: assets.billingType, count, online: sql<string>`count(*) FILTER (WHERE ${assets.online})` })
      .from(assets)
      .where(isNull(assets.archivedAt))
      .groupBy(assets.billingType),
    db
      .select({ count })
      .from(tickets)
      .where(and(isNull(tickets.archivedAt), notInArray(tickets.status, [...CLOSED_STATUSES]))),
    db.select({ count: sql<string>`count(DISTINCT ${billingPlans.planName})` }).from(billingPlans),
  ]);
  const byType = Object.fromEntries(assetRows.map((row) => [row.billingType ?? 'workstation', Number(row.count)]));
  return {
    companies: Number(companyRows[0]?.count ?? 0),
    contacts: Number(contactRows[0]?.count ?? 0),
    assets: assetRows.reduce((sum, row) => sum + Number(row.count), 0),
    assetsOnline: assetRows.reduce((sum, row) => sum + Number(row.online), 0),
    activeTickets: Number(ticketRows[0]?.count ?? 0),
    plans: Number(planRows[0]?.count ?? 0),
    assetsByBillingType: byType,
  };
}
