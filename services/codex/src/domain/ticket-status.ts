/**
 * Ticket statuses and priorities in Codex's words. Freshservice's standard ids are built in; an
 * MSP's custom statuses come from configuration (the original hard-coded one MSP's ids).
 */

/**
 * Freshservice's standard status ids. Deleted and spam are not statuses there: those tickets are
 * listed only with `filter=deleted` / `filter=spam` (see the adapter).
 */
export const FRESHSERVICE_STATUSES: Readonly<Record<number, string>> = {
  2: 'open',
  3: 'pending',
  4: 'resolved',
  5: 'closed',
};

/** Statuses of work that is over; everything else is active. */
export const CLOSED_STATUSES: readonly string[] = [
  'resolved',
  'closed',
  'spam',
  'deleted',
  'trash',
  'job_complete_bill',
  'billing_complete',
];

/** Statuses whose tickets are archived (kept for the record, hidden from lists). */
export const DISCARDED_STATUSES: readonly string[] = ['spam', 'deleted', 'trash'];

/** Freshservice priority ids. */
export const PRIORITIES: Readonly<Record<number, 'low' | 'medium' | 'high' | 'urgent'>> = {
  1: 'low',
  2: 'medium',
  3: 'high',
  4: 'urgent',
};

/** The normalised status of a Freshservice status id; custom ids from `extra`, else `unknown`. */
export function freshserviceStatus(id: number, extra: Readonly<Record<number, string>>): string {
  return extra[id] ?? FRESHSERVICE_STATUSES[id] ?? 'unknown';
}

/** A vendor's status text as a status slug ("Waiting on Customer" → "waiting_on_customer"). */
export function statusSlug(text: string): string {
  return (
    text
      .trim()
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '_')
      .replace(/^_|_$/g, '') || 'unknown'
  );
}

/** The priority of a vendor's priority text, medium when unknown. */
export function prioritySlug(text: string | null | undefined): 'low' | 'medium' | 'high' | 'urgent' {
  const value = text?.trim().toLowerCase() ?? '';
  if (value === 'critical' || value === 'urgent') return 'urgent';
  if (value === 'high' || value === 'low') return value;
  return 'medium';
}
