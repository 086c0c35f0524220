/**
 * A board row: what the board shows of one active ticket, with its section and SLA state already
 * computed, and the filters (view, agent, company, priority) that pick rows. Plain functions.
 */
import { placeTicket, type Priority, type Section, type SlaSettings, type SlaState } from './sla.js';

/** The columns a board may show, in their default order. */
export const BOARD_COLUMNS = [
  'number',
  'subject',
  'company',
  'requester',
  'requester_email',
  'agent',
  'priority',
  'status',
  'sla',
  'updated',
  'created',
] as const;
export type BoardColumn = (typeof BOARD_COLUMNS)[number];

/** What beacon reads of a codex ticket (codex's `/api/tickets/active` shape). */
export interface CodexTicket {
  id: number;
  provider: string;
  external_id: string;
  ticket_number: string;
  subject: string;
  status: string;
  priority: Priority;
  priority_id: number | null;
  ticket_type: string | null;
  account_number: string | null;
  company_name: string | null;
  requester_name: string | null;
  requester_email: string | null;
  responder_external_id: string | null;
  agent_name: string | null;
  group_external_id: string | null;
  created_at: string;
  updated_at: string;
  due_by: string | null;
  fr_due_by: string | null;
  first_responded_at: string | null;
}

export interface BoardRow {
  id: number;
  number: string;
  subject: string;
  company: string | null;
  account: string | null;
  requester: string | null;
  requester_email: string | null;
  agent: string | null;
  agent_id: string | null;
  group: string | null;
  priority: Priority;
  priority_rank: number;
  status: string;
  section: Section;
  sla: SlaState;
  reason: string;
  due_at: string | null;
  updated_at: string;
  created_at: string;
  psa_url: string | null;
}

const RANK: Readonly<Record<Priority, number>> = { low: 1, medium: 2, high: 3, urgent: 4 };
const when = (text: string | null): Date | null => (text === null ? null : new Date(text));

/** The ticket as a board row at `now`, or null when it does not belong on the board. */
export function toRow(
  ticket: CodexTicket,
  now: Date,
  sla: SlaSettings,
  psaUrl: (provider: string, externalId: string) => string | null,
): BoardRow | null {
  const placed = placeTicket(
    {
      status: ticket.status,
      priority: ticket.priority,
      ticketType: ticket.ticket_type,
      responder: ticket.responder_external_id,
      updatedAt: new Date(ticket.updated_at),
      frDueBy: when(ticket.fr_due_by),
      dueBy: when(ticket.due_by),
      firstRespondedAt: when(ticket.first_responded_at),
    },
    now,
    sla,
  );
  if (placed === null) return null;
  return {
    id: ticket.id,
    number: ticket.ticket_number,
    subject: ticket.subject,
    company: ticket.company_name,
    account: ticket.account_number,
    requester: ticket.requester_name,
    requester_email: ticket.requester_email,
    agent: ticket.agent_name,
    agent_id: ticket.responder_external_id,
    group: ticket.group_external_id,
    priority: ticket.priority,
    priority_rank: ticket.priority_id ?? RANK[ticket.priority],
    status: ticket.status,
    section: placed.section,
    sla: placed.sla,
    reason: placed.reason,
    due_at: placed.dueAt?.toISOString() ?? null,
    updated_at: ticket.updated_at,
    created_at: ticket.created_at,
    psa_url: psaUrl(ticket.provider, ticket.external_id),
  };
}

/** A view: a named list of PSA groups to include (null: all) and to exclude. */
export interface ViewDefinition {
  slug: string;
  name: string;
  groups: readonly string[] | null;
  excludeGroups: readonly string[];
}

/** The filters of a board or a display link; absent fields do not filter. */
export interface BoardFilter {
  view: ViewDefinition;
  agent?: string | undefined;
  company?: string | undefined;
  priority?: Priority | undefined;
}

/** The value of the agent filter that picks unassigned tickets. */
export const UNASSIGNED = 'none';

/** Whether `row` is on a board with `filter`. */
export function matches(row: BoardRow, filter: BoardFilter): boolean {
  const { view } = filter;
  if (view.groups !== null && (row.group === null || !view.groups.includes(row.group))) return false;
  if (row.group !== null && view.excludeGroups.includes(row.group)) return false;
  if (
    filter.agent !== undefined &&
    (filter.agent === UNASSIGNED ? row.agent_id !== null : row.agent_id !== filter.agent)
  )
    return false;
  if (filter.company !== undefined && row.account !== filter.company) return false;
  if (filter.priority !== undefined && row.priority !== filter.priority) return false;
  return true;
}

/** The original's order within a section: highest priority first, then the oldest update. */
export function compareRows(a: BoardRow, b: BoardRow): number {
  return b.priority_rank - a.priority_rank || a.updated_at.localeCompare(b.updated_at) || a.id - b.id;
}

/** Only the listed columns' fields of a row (wall screens show what their link allows). */
export function projectRow(
  row: BoardRow,
  columns: readonly BoardColumn[],
): Partial<BoardRow> & Pick<BoardRow, 'id' | 'section' | 'sla' | 'priority_rank' | 'updated_at'> {
  const shown = new Set<string>(columns);
  const out: Partial<BoardRow> & Pick<BoardRow, 'id' | 'section' | 'sla' | 'priority_rank' | 'updated_at'> = {
    id: row.id,
    section: row.section,
    sla: row.sla,
    priority_rank: row.priority_rank,
    updated_at: row.updated_at,
  };
  if (shown.has('number')) out.number = row.number;
  if (shown.has('subject')) out.subject = row.subject;
  if (shown.has('company')) out.company = row.company;
  if (shown.has('requester')) out.requester = row.requester;
  if (shown.has('requester_email')) out.requester_email = row.requester_email;
  if (shown.has('agent')) out.agent = row.agent;
  if (shown.has('priority')) out.priority = row.priority;
  if (shown.has('status')) out.status = row.status;
  if (shown.has('sla')) {
    out.reason = row.reason;
    out.due_at = row.due_at;
  }
  if (shown.has('created')) out.created_at = row.created_at;
  return out;
}
