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

export const bulkPage = z.object({
  items: z.array(z.object({ company: codexCompany, assets: z.array(codexAsset), contacts: z.array(codexContact) })),
  page: z.number().int(),
  per_page: z.number().int(),
  total: z.number().int(),
});

export const codexPlan = z.object({
  plan_name: z.string(),
  term: z.string(),
  support_level: z.string(),
  prices_cents: z.object({
    per_user: z.number().int(), per_workstation: z.number().int(), per_server: z.number().int(), per_vm: z.number().int(),
    per_switch: z.number().int(), per_firewall: z.number().int(), per_hour: z.number().int(),
    backup_base_workstation: z.number().int(), backup_base_server: z.number().int(), backup_per_tb: z.number().int(),
  }),
  backup_included_tb: z.number(),
});

export const timeEntriesAnswer = z.object({
  month: z.string(),
  time_zone: z.string(),
  entries: z.array(z.object({
    id: z.number().int(), ticket_number: z.string(), account_number: z.string().nullable(),
    entry_date: z.string(), minutes: z.number().int(), billable: z.boolean(),
  })),
  totals: z.array(z.object({ account_number: z.string().nullable(), billable_minutes: z.number().int() })),
});

/** The same answer read for its totals only (zod drops the entries unvalidated). */
export const monthTotalsAnswer = timeEntriesAnswer.pick({ totals: true });

export const agentsAnswer = z.array(z.object({ email: z.string().nullable(), active: z.boolean() }));

export type CodexCompany = z.infer<typeof codexCompany>;
export type CodexAsset = z.infer<typeof codexAsset>;
export type CodexContact = z.infer<typeof codexContact>;
export type CodexPlan = z.infer<typeof codexPlan>;
export type TimeEntriesAnswer = z.infer<typeof timeEntriesAnswer>;
/** One company as the bulk read gives it. */
export type CodexClient = z.infer<typeof bulkPage>['items'][number];
