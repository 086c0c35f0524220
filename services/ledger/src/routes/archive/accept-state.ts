/**
 * What the client page's "Accept bill" section shows: whether the month is accepted (and as which
 * invoice), the review flags, and the outcome of the last accept (from the redirect's `?accept=`).
 */
import type { FastifyRequest } from 'fastify';
import type { ClientBill } from '../../billing/month.js';
import { previousTotals, reviewFlags, type ReviewFlag } from '../../archive/review.js';
import { latestSnapshot } from '../../archive/snapshots.js';
import type { LedgerDb } from '../../db/store.js';

/** Outcomes a redirect may report (`?accept=<key>`): a key, so no text is reflected from the URL. */
export const ACCEPT_OUTCOMES = {
  accepted: { variant: 'success', message: 'The bill was accepted.' },
  review: { variant: 'error', message: 'This bill is flagged for review: tick the confirmation to accept it anyway.' },
  conflict: { variant: 'error', message: 'This month was already accepted; issue a correction instead.' },
  'cannot-bill': { variant: 'error', message: 'This client cannot be billed for this month.' },
} as const;
export type AcceptOutcome = keyof typeof ACCEPT_OUTCOMES;

export interface AcceptState {
  accepted: { invoiceNumber: string; acceptedBy: string; acceptedAt: string } | null;
  flags: ReviewFlag[];
  outcome: AcceptOutcome | null;
}

/** Loads the state of a client's month. */
export async function loadAcceptState(options: { db: LedgerDb; reviewThresholdPercent: number }, bill: ClientBill, outcome: AcceptOutcome | null): Promise<AcceptState> {
  const account = bill.client.company.account_number;
  const period = bill.input.period;
  const [latest, previous] = await Promise.all([
    latestSnapshot(options.db, account, `${period.year}-${String(period.month).padStart(2, '0')}`),
    previousTotals(options.db, period, [account]),
  ]);
  return {
    accepted: latest === undefined ? null : { invoiceNumber: latest.invoiceNumber, acceptedBy: latest.acceptedBy, acceptedAt: latest.acceptedAt.toISOString() },
    flags: reviewFlags(bill, previous.get(account), options.reviewThresholdPercent),
    outcome,
  };
}

/** The outcome a redirect reported, if it is one we know. */
export function outcomeOf(request: FastifyRequest): AcceptOutcome | null {
  // The raw query: the page's own schema strips keys it does not know.
  const value = new URL(request.url, 'http://ledger.invalid').searchParams.get('accept');
  return value !== null && Object.hasOwn(ACCEPT_OUTCOMES, value) ? (value as AcceptOutcome) : null;
}
