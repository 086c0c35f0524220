/**
 * What the client page's "Accept bill" section shows: whether the month is accepted (and as which
 * invoice), the review flags, and the outcome of the last accept (from the redirect's `?accept=`).
 */
import type { FastifyRequest } from 'fastify';
import type { ClientBill } from '../../billing/index.js';
import { previousTotals, reviewFlags, latestSnapshot } from '../../archive/index.js';
import type { LedgerDb } from '../../db/index.js';
import { ACCEPT_OUTCOMES, type AcceptOutcome, type AcceptState } from '../../views/accept-section.js';

/** Loads the state of a client's month. */
export async function loadAcceptState(
  options: { db: LedgerDb; reviewThresholdPercent: number },
  bill: ClientBill,
  outcome: AcceptOutcome | null,
): Promise<AcceptState> {
  const account = bill.client.company.account_number;
  const period = bill.input.period;
  const [latest, previous] = await Promise.all([
    latestSnapshot(options.db, account, `${period.year}-${String(period.month).padStart(2, '0')}`),
    previousTotals(options.db, period, [account]),
  ]);
  return {
    accepted:
      latest === undefined
        ? null
        : {
            invoiceNumber: latest.invoiceNumber,
            acceptedBy: latest.acceptedBy,
            acceptedAt: latest.acceptedAt.toISOString(),
          },
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
