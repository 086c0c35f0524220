/**
 * Where a ticket belongs on the board and how its SLA stands: one pure function of the ticket's
 * dates, status and priority, the clock and the settings. The original computed this inside
 * codex's route with thresholds hard-coded (reference §4.4); here every threshold, the statuses of
 * each section and the business calendar are settings with the original's values as defaults.
 */
import { businessMs, type BusinessCalendar } from './business-hours.js';

export const PRIORITIES = ['low', 'medium', 'high', 'urgent'] as const;
export type Priority = (typeof PRIORITIES)[number];

/** The board's four sections, in the order they are shown. */
export const SECTIONS = ['needs_response', 'customer_replied', 'needs_attention', 'other'] as const;
export type Section = (typeof SECTIONS)[number];

export const SLA_STATES = ['overdue', 'critical', 'warning', 'normal', 'responded', 'in_progress'] as const;
export type SlaState = (typeof SLA_STATES)[number];

export interface SlaSettings {
  /** Time without an update after which a ticket is "update overdue", by priority (original: 30 min, 2, 3, 4 days). */
  updateOverdueMinutes: Readonly<Record<Priority, number>>;
  /** First-response time left under which the SLA is critical (original: 4 h). */
  frCriticalMinutes: number;
  /** First-response time left under which the SLA is a warning (original: 12 h). */
  frWarningMinutes: number;
  /** Statuses of finished work: not on the board. */
  closedStatuses: readonly string[];
  /** Statuses that need a first response or an action (section 1). */
  actionStatuses: readonly string[];
  /** Statuses meaning the customer has replied (section 2). */
  customerRepliedStatuses: readonly string[];
  /** Statuses meaning the desk answered and waits on the customer. */
  waitingStatuses: readonly string[];
  /** Statuses always shown among "other" tickets, whatever their age (original: pending_hubspot). */
  parkedStatuses: readonly string[];
  /** When set, the SLA clocks count business time only. */
  calendar: BusinessCalendar | null;
}

export const DEFAULT_SLA_SETTINGS: SlaSettings = {
  updateOverdueMinutes: { urgent: 30, high: 2 * 1440, medium: 3 * 1440, low: 4 * 1440 },
  frCriticalMinutes: 4 * 60,
  frWarningMinutes: 12 * 60,
  closedStatuses: ['closed', 'resolved', 'job_complete_bill', 'billing_complete', 'spam', 'trash', 'deleted'],
  actionStatuses: ['open', 'update_needed', 'pending'],
  customerRepliedStatuses: ['customer_replied'],
  waitingStatuses: ['waiting_customer', 'waiting_on_customer'],
  parkedStatuses: ['pending_hubspot'],
  calendar: null,
};

/** What the function reads of a ticket. */
export interface SlaTicket {
  status: string;
  priority: Priority;
  ticketType: string | null;
  /** The assigned agent's PSA id, or null when nobody is assigned. */
  responder: string | null;
  updatedAt: Date;
  frDueBy: Date | null;
  dueBy: Date | null;
  firstRespondedAt: Date | null;
}

export interface Placement {
  section: Section;
  sla: SlaState;
  /** Why, in a few words ("FR due in 3 h", "Update overdue"). */
  reason: string;
  /** The deadline the state was measured against, if any. */
  dueAt: Date | null;
}

const MINUTE = 60_000;

/** "45 min", "3 h", "2 d": a duration for the board. */
export function shortDuration(ms: number): string {
  const minutes = Math.floor(Math.abs(ms) / MINUTE);
  if (minutes < 60) return `${minutes} min`;
  if (minutes < 48 * 60) return `${Math.floor(minutes / 60)} h`;
  return `${Math.floor(minutes / 1440)} d`;
}

/** The first-response deadline: `due_by` for service requests, else `fr_due_by` (as the original). */
function firstResponseDue(ticket: SlaTicket): Date | null {
  return /service request/i.test(ticket.ticketType ?? '') ? ticket.dueBy : ticket.frDueBy;
}

/**
 * The ticket's section and SLA state at `now`, or null when its status is closed. Rules in order
 * (the original's, plus "unassigned" which its section title promised but never checked):
 * 1. customer replied → customer_replied (warning);
 * 2. parked statuses → other (in progress);
 * 3. no update for longer than the priority's limit (business time) → needs_attention (overdue);
 * 4. action statuses → needs_response, with the first-response SLA (overdue, critical, warning,
 *    normal, or responded once the first response is in);
 * 5. nobody assigned → needs_attention (warning);
 * 6. waiting statuses → other (responded); anything else → other (in progress).
 */
export function placeTicket(
  ticket: SlaTicket,
  now: Date,
  settings: SlaSettings = DEFAULT_SLA_SETTINGS,
): Placement | null {
  const status = ticket.status;
  if (settings.closedStatuses.includes(status)) return null;
  if (settings.customerRepliedStatuses.includes(status))
    return { section: 'customer_replied', sla: 'warning', reason: 'Customer replied', dueAt: null };
  if (settings.parkedStatuses.includes(status))
    return { section: 'other', sla: 'in_progress', reason: 'Parked', dueAt: null };

  const limit = settings.updateOverdueMinutes[ticket.priority] * MINUTE;
  const silent = businessMs(ticket.updatedAt, now, settings.calendar);
  if (silent > limit) {
    return {
      section: 'needs_attention',
      sla: 'overdue',
      reason: `Update overdue (${shortDuration(silent)} without update)`,
      dueAt: new Date(ticket.updatedAt.getTime() + limit),
    };
  }

  if (settings.actionStatuses.includes(status)) {
    if (ticket.firstRespondedAt !== null)
      return { section: 'needs_response', sla: 'responded', reason: 'First response met', dueAt: null };
    const due = firstResponseDue(ticket);
    if (due === null)
      return { section: 'needs_response', sla: 'normal', reason: 'Awaiting first response', dueAt: null };
    const left = businessMs(now, due, settings.calendar);
    if (due.getTime() <= now.getTime())
      return {
        section: 'needs_response',
        sla: 'overdue',
        reason: `First response overdue by ${shortDuration(now.getTime() - due.getTime())}`,
        dueAt: due,
      };
    if (left < settings.frCriticalMinutes * MINUTE)
      return {
        section: 'needs_response',
        sla: 'critical',
        reason: `First response due in ${shortDuration(left)}`,
        dueAt: due,
      };
    if (left < settings.frWarningMinutes * MINUTE)
      return {
        section: 'needs_response',
        sla: 'warning',
        reason: `First response due in ${shortDuration(left)}`,
        dueAt: due,
      };
    return {
      section: 'needs_response',
      sla: 'normal',
      reason: `First response due in ${shortDuration(left)}`,
      dueAt: due,
    };
  }

  if (ticket.responder === null)
    return { section: 'needs_attention', sla: 'warning', reason: 'Unassigned', dueAt: null };
  if (settings.waitingStatuses.includes(status))
    return { section: 'other', sla: 'responded', reason: 'Waiting on customer', dueAt: null };
  return { section: 'other', sla: 'in_progress', reason: status.replaceAll('_', ' '), dueAt: null };
}
