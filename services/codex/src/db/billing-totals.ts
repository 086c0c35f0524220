/**
 * A month's billing totals per company, summed by the database: what a month's dashboard needs
 * without moving every contact, asset and time entry (about 11 MB of JSON for a thousand
 * companies) through codex's serialiser and the caller's parser.
 *
 * Per company: the contacts that would be billed as paid users (present in the month, active, not
 * a PSA agent by e-mail), the assets per billing type (with how many are backed up and their
 * backup bytes), and the billable minutes of the month's time entries. The contacts and assets the
 * caller names (ledger: those it holds an override for) are left out of the sums and listed one by
 * one instead, so the caller prices them as it would in a full read.
 */
import { sql } from 'drizzle-orm';
import { groupBy } from './query-helpers.js';
import type { CodexDb } from './types.js';
import {
  ASSET_COLUMNS,
  CONTACT_COLUMNS,
  idArray,
  monthAsset,
  monthCompanies,
  monthContact,
  priorMinutes,
  type AssetBillingType,
  type AssetSqlRow,
  type BillingMonthRequest,
  type CompanyIdRow,
  type ContactSqlRow,
  type MonthAsset,
  type MonthCompany,
  type MonthContact,
} from './billing-month.js';

export interface BillingTotalsRequest extends BillingMonthRequest {
  /** Contacts and assets listed one by one and left out of the sums. */
  listed: { contacts: readonly number[]; assets: readonly number[] };
}

/** The assets of one billing type of a company, summed. */
export interface AssetGroup {
  billing_type: AssetBillingType;
  count: number;
  /** Assets with backup usage above zero. */
  backed_up: number;
  /** Their backup bytes, as decimal text (a sum may pass 2⁵³). */
  backup_bytes: string;
}

export interface BillingTotalsCompany {
  company: MonthCompany;
  /** Contacts present in the month, active, not a PSA agent, not listed. */
  paidUsers: number;
  assetGroups: AssetGroup[];
  /** Σ minutes of the month's billable entries with minutes above zero (neither entry nor ticket archived). */
  billableMinutes: number;
  listedContacts: MonthContact[];
  listedAssets: MonthAsset[];
  priorMonths: { month: string; billableMinutes: number }[];
}

/** One keyset page of the month's companies with their totals (at most six queries whatever the page size). */
export async function billingTotalsPage(
  db: CodexDb,
  request: BillingTotalsRequest,
): Promise<{ companies: BillingTotalsCompany[]; nextAfter: string | null }> {
  const { page, nextAfter, start, from, to } = await monthCompanies(db, request);
  if (page.length === 0) return { companies: [], nextAfter: null };
  const idList = idArray(page.map((row) => row.id));
  const listedContacts = idArray(request.listed.contacts);
  const listedAssets = idArray(request.listed.assets);
  const present = (column: string) => sql`(${sql.raw(column)} IS NULL OR ${sql.raw(column)} >= ${start})`;
  const [userRows, assetRows, minuteRows, contactRows, assetDetail, priorBy] = await Promise.all([
    // An agent is known by e-mail, compared lower-cased (as the billing month's agent list is). The
    // agents' contacts are found first, through the index on lower(email), and left out by id: a
    // NOT EXISTS on lower(email) lower-cased every contact's address and took half the read.
    db.execute<CompanyIdRow & { users: string }>(sql`
      SELECT cc.company_id, count(*) AS users
      FROM contact_companies cc JOIN contacts c ON c.id = cc.contact_id
      WHERE cc.company_id = ANY(${idList}) AND ${present('c.archived_at')} AND c.active AND NOT c.id = ANY(${listedContacts})
        AND c.id NOT IN (
          SELECT ac.id FROM psa_agents a JOIN contacts ac ON lower(ac.email) = lower(a.email)
          WHERE a.archived_at IS NULL AND a.email IS NOT NULL)
      GROUP BY cc.company_id`),
    db.execute<
      CompanyIdRow & { billing_type: AssetBillingType; count: string; backed_up: string; backup_bytes: string }
    >(sql`
      SELECT company_id, coalesce(billing_type_override, billing_type_derived) AS billing_type, count(*) AS count,
        count(*) FILTER (WHERE backup_usage_bytes > 0) AS backed_up, coalesce(sum(backup_usage_bytes) FILTER (WHERE backup_usage_bytes > 0), 0)::text AS backup_bytes
      FROM assets WHERE company_id = ANY(${idList}) AND ${present('archived_at')} AND NOT id = ANY(${listedAssets})
      GROUP BY 1, 2 ORDER BY 1, 2`),
    db.execute<CompanyIdRow & { minutes: string }>(sql`
      SELECT t.company_id, sum(e.minutes) AS minutes
      FROM time_entries e JOIN tickets t ON t.id = e.ticket_id
      WHERE t.company_id = ANY(${idList}) AND e.archived_at IS NULL AND t.archived_at IS NULL AND e.entry_date >= ${from}::date AND e.entry_date < ${to}::date
        AND e.billable AND e.minutes > 0
      GROUP BY t.company_id`),
    request.listed.contacts.length === 0
      ? Promise.resolve<{ rows: ContactSqlRow[] }>({ rows: [] })
      : db.execute<ContactSqlRow>(sql`
      SELECT ${CONTACT_COLUMNS}
      FROM contact_companies cc JOIN contacts c ON c.id = cc.contact_id
      WHERE cc.company_id = ANY(${idList}) AND ${present('c.archived_at')} AND c.id = ANY(${listedContacts})
      ORDER BY cc.company_id, lower(c.name), c.id`),
    request.listed.assets.length === 0
      ? Promise.resolve<{ rows: AssetSqlRow[] }>({ rows: [] })
      : db.execute<AssetSqlRow>(sql`
      SELECT ${ASSET_COLUMNS}
      FROM assets WHERE company_id = ANY(${idList}) AND ${present('archived_at')} AND id = ANY(${listedAssets})
      ORDER BY company_id, hostname_key, id`),
    priorMinutes(db, page, request.month, from, request.prior),
  ]);
  // count() and sum() are bigint, which pg hands back as text.
  const usersBy = new Map(userRows.rows.map((row) => [Number(row.company_id), Number(row.users)]));
  const minutesBy = new Map(minuteRows.rows.map((row) => [Number(row.company_id), Number(row.minutes)]));
  const groupsBy = groupBy(assetRows.rows, (row) => Number(row.company_id));
  const contactsBy = groupBy(contactRows.rows, (row) => Number(row.company_id));
  const assetsBy = groupBy(assetDetail.rows, (row) => Number(row.company_id));
  return {
    companies: page.map((company) => ({
      company,
      paidUsers: usersBy.get(company.id) ?? 0,
      assetGroups: (groupsBy.get(company.id) ?? []).map((row) => ({
        billing_type: row.billing_type,
        count: Number(row.count),
        backed_up: Number(row.backed_up),
        backup_bytes: row.backup_bytes,
      })),
      billableMinutes: minutesBy.get(company.id) ?? 0,
      listedContacts: (contactsBy.get(company.id) ?? []).map(monthContact),
      listedAssets: (assetsBy.get(company.id) ?? []).map(monthAsset),
      priorMonths: priorBy.get(company.id) ?? [],
    })),
    nextAfter,
  };
}
