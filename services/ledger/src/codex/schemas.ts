/**
 * The parts of codex's answers ledger reads, as zod schemas: every answer is parsed before it is
 * trusted (codex's contracts: services/codex/ARCHITECTURE.md, its routes' response schemas).
 */
import { z } from 'zod';

const billingType = z.enum(['workstation', 'server', 'virtual_machine', 'switch', 'firewall', 'not_billed']);

export const codexCompany = z.object({
  account_number: z.string(),
  name: z.string(),
  plan_name: z.string().nullable(),
  contract_term: z.string().nullable(),
  contract_start: z.string().nullable(),
  support_level: z.string().nullable(),
  managed_users: z.number().int().nullable(),
  managed_devices: z.number().int().nullable(),
  /** Set when codex archived the company; it is still listed for a month it was active in. */
  archived_at: z.string().nullable(),
});

export const codexAsset = z.object({
  id: z.number().int(),
  hostname: z.string(),
  billing_type: billingType,
  backup_usage_bytes: z.number().int().nullable(),
  archived_at: z.string().nullable(),
});

export const codexContact = z.object({
  id: z.number().int(),
  name: z.string(),
  email: z.string().nullable(),
  active: z.boolean(),
  archived_at: z.string().nullable(),
});

export const codexEntry = z.object({
  id: z.number().int(),
  ticket_number: z.string(),
  entry_date: z.string(),
  minutes: z.number().int(),
  billable: z.boolean(),
});

export const codexPlan = z.object({
  plan_name: z.string(),
  term: z.string(),
  support_level: z.string(),
  prices_cents: z.object({
    per_user: z.number().int(),
    per_workstation: z.number().int(),
    per_server: z.number().int(),
    per_vm: z.number().int(),
    per_switch: z.number().int(),
    per_firewall: z.number().int(),
    per_hour: z.number().int(),
    backup_base_workstation: z.number().int(),
    backup_base_server: z.number().int(),
    backup_per_tb: z.number().int(),
  }),
  backup_included_tb: z.number(),
});

/**
 * One page of codex's `GET /api/billing/month`: the companies active at any time in the month
 * (keyset-paged by account number), each with its assets and contacts present in the month, its
 * time entries of the month and, when asked, its billable minutes of earlier months; the plan
 * catalogue and the PSA agents' e-mail addresses come with every page.
 */
export const monthPage = z.object({
  month: z.string(),
  time_zone: z.string(),
  plans: z.array(codexPlan),
  agent_emails: z.array(z.string()),
  companies: z.array(
    z.object({
      company: codexCompany,
      assets: z.array(codexAsset),
      contacts: z.array(codexContact),
      entries: z.array(codexEntry),
      prior_months: z.array(z.object({ month: z.string(), billable_minutes: z.number().int() })),
    }),
  ),
  next_after: z.string().nullable(),
});

/**
 * One page of codex's `POST /api/billing/month/totals`: the same companies, each with its totals
 * summed by codex (paid users, assets per billing type with backup usage, billable minutes) and,
 * one by one, the contacts and assets ledger named (those with an override).
 */
export const totalsPage = z.object({
  month: z.string(),
  time_zone: z.string(),
  plans: z.array(codexPlan),
  agent_emails: z.array(z.string()),
  companies: z.array(
    z.object({
      company: codexCompany,
      paid_users: z.number().int().nonnegative(),
      asset_groups: z.array(
        z.object({
          billing_type: billingType,
          count: z.number().int().nonnegative(),
          backed_up: z.number().int().nonnegative(),
          backup_bytes: z.string().regex(/^\d+$/),
        }),
      ),
      billable_minutes: z.number().int().nonnegative(),
      listed_contacts: z.array(codexContact),
      listed_assets: z.array(codexAsset),
      prior_months: z.array(z.object({ month: z.string(), billable_minutes: z.number().int() })),
    }),
  ),
  next_after: z.string().nullable(),
});

export type CodexCompany = z.infer<typeof codexCompany>;
export type CodexAsset = z.infer<typeof codexAsset>;
export type CodexContact = z.infer<typeof codexContact>;
export type CodexPlan = z.infer<typeof codexPlan>;
export type MonthPage = z.infer<typeof monthPage>;
export type TotalsPage = z.infer<typeof totalsPage>;
/** One company as the month's totals read gives it. */
export type CodexClientTotals = TotalsPage['companies'][number];
/** One company as the month's read gives it. */
export type CodexClient = MonthPage['companies'][number];
