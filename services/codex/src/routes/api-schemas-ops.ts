/**
 * The declared shapes of plans, tickets, time entries and sync runs, and their presenters (the
 * directory's are in `api-schemas.ts`, which re-exports these).
 */
import { z } from 'zod';
import { TERMS } from '../domain/index.js';
import { pricesOf } from '../db/index.js';
import type { MonthEntry, PlanWithFeatures, SyncRun, TicketWithCompany } from '../db/index.js';

const instant = z.string().describe('ISO 8601 instant, UTC');
const day = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/)
  .describe('calendar date');
const iso = (value: Date | null): string | null => value?.toISOString() ?? null;

export const planSchema = z.object({
  id: z.number().int(),
  plan_name: z.string(),
  term: z.enum(TERMS),
  support_level: z.enum(['Billed Hourly', 'Unlimited']),
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
  backup_included_tb: z.number().describe('terabytes included per backed-up device'),
  features: z.record(z.string(), z.string()),
  updated_at: instant,
});

/** A plan row as the API shows it. */
export function presentPlan(plan: PlanWithFeatures): z.infer<typeof planSchema> {
  return {
    id: plan.id,
    plan_name: plan.planName,
    term: plan.term,
    support_level: plan.supportLevel,
    prices_cents: pricesOf(plan),
    backup_included_tb: Number(plan.backupIncludedTb),
    features: plan.features,
    updated_at: plan.updatedAt.toISOString(),
  };
}

export const ticketSchema = z.object({
  id: z.number().int(),
  provider: z.string(),
  external_id: z.string(),
  ticket_number: z.string(),
  subject: z.string(),
  status: z.string(),
  priority: z.enum(['low', 'medium', 'high', 'urgent']),
  priority_id: z.number().int().nullable(),
  ticket_type: z.string().nullable(),
  account_number: z.string().nullable(),
  company_name: z.string().nullable(),
  compliance_level: z.string().nullable(),
  requester_name: z.string().nullable(),
  requester_email: z.string().nullable(),
  responder_external_id: z.string().nullable(),
  agent_name: z.string().nullable(),
  group_external_id: z.string().nullable(),
  workspace_id: z.string().nullable(),
  workspace_name: z.string().nullable(),
  created_at: instant,
  updated_at: instant,
  closed_at: instant.nullable(),
  due_by: instant.nullable(),
  fr_due_by: instant.nullable(),
  first_responded_at: instant.nullable(),
});

/** A ticket as the API shows it. */
export function presentTicket(ticket: TicketWithCompany): z.infer<typeof ticketSchema> {
  return {
    id: ticket.id,
    provider: ticket.provider,
    external_id: ticket.externalId,
    ticket_number: ticket.ticketNumber,
    subject: ticket.subject,
    status: ticket.status,
    priority: ticket.priority,
    priority_id: ticket.priorityId,
    ticket_type: ticket.ticketType,
    account_number: ticket.accountNumber,
    company_name: ticket.companyName,
    compliance_level: ticket.complianceLevel,
    requester_name: ticket.requesterName,
    requester_email: ticket.requesterEmail,
    responder_external_id: ticket.responderExternalId,
    agent_name: ticket.agentName,
    group_external_id: ticket.groupExternalId,
    workspace_id: ticket.workspaceId,
    workspace_name: ticket.workspaceName,
    created_at: ticket.createdAt.toISOString(),
    updated_at: ticket.updatedAt.toISOString(),
    closed_at: iso(ticket.closedAt),
    due_by: iso(ticket.dueBy),
    fr_due_by: iso(ticket.frDueBy),
    first_responded_at: iso(ticket.firstRespondedAt),
  };
}

export const timeEntrySchema = z.object({
  id: z.number().int(),
  ticket_id: z.number().int(),
  ticket_number: z.string(),
  subject: z.string(),
  account_number: z.string().nullable(),
  company_name: z.string().nullable(),
  entry_date: day,
  minutes: z.number().int(),
  billable: z.boolean(),
  agent_external_id: z.string().nullable(),
  agent_name: z.string().nullable(),
  note: z.string().nullable(),
});

/** A time entry of a month as the API shows it. */
export function presentTimeEntry(entry: MonthEntry): z.infer<typeof timeEntrySchema> {
  return {
    id: entry.id,
    ticket_id: entry.ticketId,
    ticket_number: entry.ticketNumber,
    subject: entry.subject,
    account_number: entry.accountNumber,
    company_name: entry.companyName,
    entry_date: entry.entryDate,
    minutes: entry.minutes,
    billable: entry.billable,
    agent_external_id: entry.agentExternalId,
    agent_name: entry.agentName,
    note: entry.note,
  };
}

export const syncRunSchema = z.object({
  id: z.number().int(),
  job: z.string(),
  trigger: z.enum(['schedule', 'manual']),
  requested_by: z.string().nullable(),
  status: z.enum(['running', 'succeeded', 'partial', 'failed']),
  started_at: instant,
  finished_at: instant.nullable(),
  phase: z.string().nullable(),
  fetched: z.number().int(),
  created: z.number().int(),
  updated: z.number().int(),
  archived: z.number().int(),
  errors: z.array(z.string()),
  warnings: z.array(z.string()),
  skipped: z.array(z.object({ collection: z.string(), external_id: z.string(), name: z.string(), reason: z.string() })),
});

/** A sync run as the API shows it. */
export function presentRun(run: SyncRun): z.infer<typeof syncRunSchema> {
  return {
    id: run.id,
    job: run.job,
    trigger: run.trigger,
    requested_by: run.requestedBy,
    status: run.status,
    started_at: run.startedAt.toISOString(),
    finished_at: iso(run.finishedAt),
    phase: run.phase,
    fetched: run.fetched,
    created: run.created,
    updated: run.updated,
    archived: run.archived,
    errors: run.errors,
    warnings: run.warnings,
    skipped: run.skipped.map((record) => ({
      collection: record.collection,
      external_id: record.externalId,
      name: record.name,
      reason: record.reason,
    })),
  };
}
