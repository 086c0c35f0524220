/**
 * Freshservice v2 records (api.freshservice.com) parsed at the boundary and mapped to Codex's
 * vendor-neutral records. Schemas accept what the API documents and ignore extra fields; a record
 * that does not fit fails its page with a message naming the field.
 */
import { z } from 'zod';
import {
  freshserviceStatus,
  localDate,
  normaliseTerm,
  parseDurationMinutes,
  PRIORITIES,
  toDate,
  toInstant,
} from '../domain/index.js';
import type { ExtAgent, ExtCompany, ExtContact, ExtConversation, ExtTicket, ExtTimeEntry } from './provider.js';

const id = z.union([z.number().int(), z.string().regex(/^\d+$/)]).transform(String);
const text = z
  .string()
  .nullish()
  .transform((value) => (value === undefined || value === null || value.trim() === '' ? null : value.trim()));

export const departmentSchema = z.object({
  id,
  name: z.string().min(1),
  description: text,
  domains: z.array(z.string()).nullish(),
  custom_fields: z.record(z.string(), z.unknown()).nullish(),
});

export const requesterSchema = z.object({
  id,
  first_name: text,
  last_name: text,
  primary_email: text,
  active: z.boolean().nullish(),
  job_title: text,
  mobile_phone_number: text,
  work_phone_number: text,
  vip_user: z.boolean().nullish(),
  department_ids: z.array(id).nullish(),
});

export const agentSchema = z.object({
  id,
  first_name: text,
  last_name: text,
  email: text,
  active: z.boolean().nullish(),
  job_title: text,
});

export const ticketSchema = z.object({
  id,
  subject: z.string().nullish(),
  description_text: text,
  status: z.number().int(),
  priority: z.number().int().nullish(),
  type: text,
  department_id: id.nullish(),
  requester_id: id.nullish(),
  responder_id: id.nullish(),
  group_id: id.nullish(),
  created_at: z.string(),
  updated_at: z.string(),
  workspace_id: id.nullish(),
  deleted: z.boolean().nullish(),
  spam: z.boolean().nullish(),
  due_by: z.string().nullish(),
  fr_due_by: z.string().nullish(),
  requester: z.object({ email: text, name: text }).nullish(),
  stats: z
    .object({
      first_responded_at: z.string().nullish(),
      closed_at: z.string().nullish(),
      resolved_at: z.string().nullish(),
    })
    .nullish(),
});

/** A workspace (Freshservice's workspaces API; "clients" in Freshservice for MSPs). */
export const workspaceSchema = z.object({ id, name: z.string().min(1) });

export const conversationSchema = z.object({
  id,
  body_text: z.string().nullish(),
  incoming: z.boolean().nullish(),
  private: z.boolean().nullish(),
  from_email: text,
  created_at: z.string(),
});

export const timeEntrySchema = z.object({
  id,
  time_spent: z.string(),
  executed_at: z.string().nullish(),
  start_time: z.string().nullish(),
  created_at: z.string(),
  billable: z.boolean().nullish(),
  agent_id: id.nullish(),
  note: text,
});

/** A custom field as trimmed text, or null (PSA custom fields arrive as strings, numbers or null). */
function customText(fields: Record<string, unknown> | null | undefined, name: string): string | null {
  const value = fields?.[name];
  if (typeof value === 'number') return String(value);
  return typeof value === 'string' && value.trim() !== '' ? value.trim() : null;
}

function customCount(fields: Record<string, unknown> | null | undefined, name: string): number | null {
  const value = customText(fields, name);
  return value !== null && /^\d{1,7}$/.test(value) ? Number(value) : null;
}

/** A department as a company; its account number comes from the `account_number` custom field. */
export function mapDepartment(raw: z.infer<typeof departmentSchema>): ExtCompany {
  const fields = raw.custom_fields;
  return {
    externalId: raw.id,
    accountNumber: customText(fields, 'account_number'),
    name: raw.name.trim(),
    description: raw.description,
    domains: (raw.domains ?? []).map((domain) => domain.trim().toLowerCase()).filter(Boolean),
    mainLocation: customText(fields, 'address'),
    phone: customText(fields, 'company_main_number'),
    planName: customText(fields, 'plan_selected'),
    contractTerm: normaliseTerm(customText(fields, 'contract_term')),
    contractStart: toDate(customText(fields, 'contract_start_date')),
    emailSystem: customText(fields, 'email_system'),
    phoneSystem: customText(fields, 'phone_system'),
    managedUsers: customCount(fields, 'managed_users'),
    managedDevices: customCount(fields, 'managed_devices'),
    managedNetwork: customCount(fields, 'managed_network'),
  };
}

/** A requester as a contact; the name falls back to the e-mail's local part, then the id. */
export function mapRequester(raw: z.infer<typeof requesterSchema>): ExtContact {
  const name =
    [raw.first_name, raw.last_name].filter(Boolean).join(' ') ||
    raw.primary_email?.split('@')[0] ||
    `Requester ${raw.id}`;
  return {
    externalId: raw.id,
    name,
    firstName: raw.first_name,
    lastName: raw.last_name,
    email: raw.primary_email?.toLowerCase() ?? null,
    active: raw.active ?? true,
    jobTitle: raw.job_title,
    mobilePhone: raw.mobile_phone_number,
    workPhone: raw.work_phone_number,
    vip: raw.vip_user ?? false,
    companyExternalIds: raw.department_ids ?? [],
  };
}

/** An agent. */
export function mapAgent(raw: z.infer<typeof agentSchema>): ExtAgent {
  return {
    externalId: raw.id,
    name: [raw.first_name, raw.last_name].filter(Boolean).join(' ') || `Agent ${raw.id}`,
    email: raw.email?.toLowerCase() ?? null,
    jobTitle: raw.job_title,
    active: raw.active ?? true,
  };
}

function instant(value: string | null | undefined): Date | null {
  return toInstant(value ?? null);
}

/** A ticket (conversations and time entries are attached by the adapter). */
export function mapTicket(raw: z.infer<typeof ticketSchema>, statusMap: Readonly<Record<number, string>>): ExtTicket {
  const status = freshserviceStatus(raw.status, statusMap);
  return {
    externalId: raw.id,
    ticketNumber: raw.id,
    subject: raw.subject?.trim() ?? '',
    descriptionText: raw.description_text,
    status,
    statusId: raw.status,
    priority: PRIORITIES[raw.priority ?? 2] ?? 'medium',
    priorityId: raw.priority ?? null,
    ticketType: raw.type,
    companyExternalId: raw.department_id ?? null,
    requesterExternalId: raw.requester_id ?? null,
    requesterName: raw.requester?.name ?? null,
    requesterEmail: raw.requester?.email?.toLowerCase() ?? null,
    responderExternalId: raw.responder_id ?? null,
    groupExternalId: raw.group_id ?? null,
    workspaceId: raw.workspace_id ?? null,
    createdAt: instant(raw.created_at) ?? new Date(0),
    updatedAt: instant(raw.updated_at) ?? new Date(0),
    closedAt:
      instant(raw.stats?.closed_at) ??
      (status === 'closed' || status === 'resolved' ? instant(raw.stats?.resolved_at ?? raw.updated_at) : null),
    dueBy: instant(raw.due_by),
    frDueBy: instant(raw.fr_due_by),
    firstRespondedAt: instant(raw.stats?.first_responded_at),
  };
}

/** A conversation (reply or note); the plain-text body only, never HTML. */
export function mapConversation(raw: z.infer<typeof conversationSchema>): ExtConversation {
  return {
    externalId: raw.id,
    bodyText: raw.body_text ?? '',
    private: raw.private ?? false,
    incoming: raw.incoming ?? false,
    fromEmail: raw.from_email,
    createdAt: instant(raw.created_at) ?? new Date(0),
  };
}

/**
 * A time entry, dated by when the work was done (`executed_at`, else its start, else creation)
 * in the business time zone. Undefined when `time_spent` is not a duration.
 */
export function mapTimeEntry(raw: z.infer<typeof timeEntrySchema>, timeZone: string): ExtTimeEntry | undefined {
  const minutes = parseDurationMinutes(raw.time_spent);
  const worked = instant(raw.executed_at) ?? instant(raw.start_time) ?? instant(raw.created_at);
  if (minutes === undefined || worked === null) return undefined;
  return {
    externalId: raw.id,
    entryDate: localDate(worked, timeZone),
    minutes,
    billable: raw.billable ?? true,
    agentExternalId: raw.agent_id ?? null,
    note: raw.note,
  };
}
