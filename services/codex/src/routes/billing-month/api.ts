/**
 * `POST /api/billing/month`: what ledger needs to bill a month, in one call per page of companies
 * (see `db/billing-month.ts`). A read, but POST: the body names the companies whose earlier months
 * are wanted (ledger's clients with yearly prepaid hours, possibly thousands of account numbers,
 * too many for a URL). It changes nothing, so a retry is harmless. The answer carries only the
 * fields billing reads.
 */
import type { FastifyPluginAsync } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { AppError } from '@hivematrix/sdk';
import {
  agentEmails,
  billingMonthPage,
  billingTotalsPage,
  planCatalogue,
  pricesOf,
  type MonthCompany,
} from '../../db/index.js';
import type { BillingPlan, CodexDb } from '../../db/index.js';
import { BILLING_TYPES, SERVICE_ACCESS, TERMS } from '../../domain/index.js';
import { allow } from '../access.js';
import { planSchema } from '../api-schemas-ops.js';

const monthText = z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/, 'a month like 2026-10');
const account = z.string().min(1).max(50);
const iso = (value: Date | null): string | null => value?.toISOString() ?? null;

const body = z.object({
  month: monthText,
  after: account.optional().describe('keyset cursor: the next_after of the previous page'),
  account: account.optional().describe('only this company'),
  prior: z
    .object({
      from: monthText.describe('the first earlier month, at most 12 months before `month`'),
      accounts: z.array(account).max(100_000).describe('the companies whose earlier months are wanted'),
    })
    .optional()
    .describe('also billable minutes per month from `from` up to the month before `month`, for these companies'),
  limit: z.number().int().min(1).max(1000).default(500),
});

const companyAnswer = z.object({
  account_number: z.string(),
  name: z.string(),
  plan_name: z.string().nullable(),
  contract_term: z.enum(TERMS).nullable(),
  contract_start: z.string().nullable(),
  support_level: z.string().nullable(),
  managed_users: z.number().int().nullable(),
  managed_devices: z.number().int().nullable(),
  archived_at: z.string().nullable(),
});
const assetAnswer = z.object({
  id: z.number().int(),
  hostname: z.string(),
  billing_type: z.enum(BILLING_TYPES),
  backup_usage_bytes: z.number().int().nullable(),
  archived_at: z.string().nullable(),
});
const contactAnswer = z.object({
  id: z.number().int(),
  name: z.string(),
  email: z.string().nullable(),
  active: z.boolean(),
  archived_at: z.string().nullable(),
});
const priorAnswer = z.array(z.object({ month: z.string(), billable_minutes: z.number().int() }));
const plansAnswer = z.array(
  planSchema.pick({ plan_name: true, term: true, support_level: true, prices_cents: true, backup_included_tb: true }),
);

const totalsBody = body.extend({
  listed: z
    .object({
      contacts: z.array(z.number().int().positive()).max(100_000).default([]),
      assets: z.array(z.number().int().positive()).max(100_000).default([]),
    })
    .default({ contacts: [], assets: [] })
    .describe('contacts and assets to list one by one and leave out of the sums (those the caller prices differently)'),
});

const totalsAnswer = z.object({
  month: z.string(),
  time_zone: z.string(),
  plans: plansAnswer,
  agent_emails: z.array(z.string()).describe('lower-cased e-mail addresses of the PSA agents'),
  companies: z.array(
    z.object({
      company: companyAnswer,
      paid_users: z
        .number()
        .int()
        .describe('contacts present in the month, active, not a PSA agent (by e-mail), not listed'),
      asset_groups: z
        .array(
          z.object({
            billing_type: z.enum(BILLING_TYPES),
            count: z.number().int(),
            backed_up: z.number().int().describe('assets with backup usage above zero'),
            backup_bytes: z.string().regex(/^\d+$/).describe('their backup bytes, decimal text'),
          }),
        )
        .describe('assets present in the month and not listed, per billing type'),
      billable_minutes: z.number().int().describe("minutes of the month's billable time entries"),
      listed_contacts: z.array(contactAnswer),
      listed_assets: z.array(assetAnswer),
      prior_months: priorAnswer,
    }),
  ),
  next_after: z.string().nullable().describe('pass as `after` for the next page; null on the last page'),
});

const answer = z.object({
  month: z.string(),
  time_zone: z.string(),
  plans: plansAnswer,
  agent_emails: z.array(z.string()).describe('lower-cased e-mail addresses of the PSA agents'),
  companies: z.array(
    z.object({
      company: companyAnswer,
      assets: z.array(assetAnswer),
      contacts: z.array(contactAnswer),
      entries: z.array(
        z.object({
          id: z.number().int(),
          ticket_number: z.string(),
          entry_date: z.string(),
          minutes: z.number().int(),
          billable: z.boolean(),
        }),
      ),
      prior_months: priorAnswer,
    }),
  ),
  next_after: z.string().nullable().describe('pass as `after` for the next page; null on the last page'),
});

/** A company of the month as the answers give it. */
function companyOf(company: MonthCompany): z.infer<typeof companyAnswer> {
  return {
    account_number: company.accountNumber,
    name: company.name,
    plan_name: company.planName,
    contract_term: company.contractTerm,
    contract_start: company.contractStart,
    support_level: company.supportLevel,
    managed_users: company.managedUsers,
    managed_devices: company.managedDevices,
    archived_at: iso(company.archivedAt),
  };
}

/** Refuses earlier months that are after the month or more than 12 months before it. */
function checkPrior(month: string, prior: { from: string } | undefined): void {
  if (prior !== undefined && (prior.from > month || monthsApart(prior.from, month) > 12)) {
    throw new AppError('validation_failed', 'prior.from must be a month at most 12 months before month');
  }
}

/** A plan of the catalogue as the answers give it. */
function planOf(plan: BillingPlan): z.infer<typeof plansAnswer>[number] {
  return {
    plan_name: plan.planName,
    term: plan.term,
    support_level: plan.supportLevel,
    prices_cents: pricesOf(plan),
    backup_included_tb: Number(plan.backupIncludedTb),
  };
}

/** Months from `from` to `to` (both `YYYY-MM`), for bounding `prior_from`. */
function monthsApart(from: string, to: string): number {
  return (Number(to.slice(0, 4)) - Number(from.slice(0, 4))) * 12 + Number(to.slice(5, 7)) - Number(from.slice(5, 7));
}

export const billingMonthApiRoutes: FastifyPluginAsync<{ db: CodexDb; timeZone: string }> = async (
  base,
  { db, timeZone },
) => {
  const app = base.withTypeProvider<ZodTypeProvider>();
  app.post(
    '/api/billing/month',
    {
      preHandler: allow('time:read', { services: SERVICE_ACCESS.billingMonth }),
      schema: { body, response: { 200: answer } },
      config: {
        summary:
          "A month's billing data: companies active at any time in the month (keyset-paged by account number) with their assets, contacts, time entries and earlier months' billable minutes, the plan catalogue and the PSA agents' e-mails",
        access: 'admin, technician, billing; services: ' + SERVICE_ACCESS.billingMonth.join(', '),
      },
    },
    async (request) => {
      const { month, after, account: only, prior, limit } = request.body;
      checkPrior(month, prior);
      const [page, plans, agents] = await Promise.all([
        billingMonthPage(db, { month, timeZone, after, account: only, prior, limit }),
        planCatalogue(db),
        agentEmails(db),
      ]);
      return {
        month,
        time_zone: timeZone,
        plans: plans.map(planOf),
        agent_emails: agents,
        companies: page.companies.map((entry) => ({
          company: companyOf(entry.company),
          assets: entry.assets,
          contacts: entry.contacts,
          entries: entry.entries,
          prior_months: entry.priorMonths.map((row) => ({ month: row.month, billable_minutes: row.billableMinutes })),
        })),
        next_after: page.nextAfter,
      };
    },
  );

  // The dashboard's read: the same companies, with what their bills total from instead of every item.
  app.post(
    '/api/billing/month/totals',
    {
      preHandler: allow('time:read', { services: SERVICE_ACCESS.billingMonth }),
      schema: { body: totalsBody, response: { 200: totalsAnswer } },
      config: {
        summary:
          "A month's billing totals: companies active at any time in the month (keyset-paged by account number) with their paid users, assets per billing type with backup usage, billable minutes and earlier months' billable minutes summed by the database, the contacts and assets named in `listed` one by one, the plan catalogue and the PSA agents' e-mails",
        access: 'admin, technician, billing; services: ' + SERVICE_ACCESS.billingMonth.join(', '),
      },
    },
    async (request) => {
      const { month, after, account: only, prior, limit, listed } = request.body;
      checkPrior(month, prior);
      const [page, plans, agents] = await Promise.all([
        billingTotalsPage(db, { month, timeZone, after, account: only, prior, limit, listed }),
        planCatalogue(db),
        agentEmails(db),
      ]);
      return {
        month,
        time_zone: timeZone,
        plans: plans.map(planOf),
        agent_emails: agents,
        companies: page.companies.map((entry) => ({
          company: companyOf(entry.company),
          paid_users: entry.paidUsers,
          asset_groups: entry.assetGroups,
          billable_minutes: entry.billableMinutes,
          listed_contacts: entry.listedContacts,
          listed_assets: entry.listedAssets,
          prior_months: entry.priorMonths.map((row) => ({ month: row.month, billable_minutes: row.billableMinutes })),
        })),
        next_after: page.nextAfter,
      };
    },
  );
};
