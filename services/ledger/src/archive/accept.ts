/**
 * Accepting one client's month (the API, the client page's button): computes the bill, checks the
 * review queue, and freezes it. A flagged bill is accepted only with an explicit confirmation.
 */
import { AppError } from '@hivematrix/sdk';
import type { ClientBill } from '../billing/index.js';
import type { LedgerDb, Snapshot } from '../db/index.js';
import { localDate, type Period } from '../engine/index.js';
import type { InvoiceIssuer } from '../invoicing/index.js';
import { previousTotals, reviewFlags } from './review.js';
import { acceptBill } from './snapshots.js';

export interface AcceptArgs {
  bill: ClientBill;
  period: Period;
  acceptedBy: string;
  now: Date;
  notes: string | null;
  confirmReview: boolean;
  supersedes?: string;
}

/** Accepts (or corrects) a bill; 409 when it is flagged for review and not confirmed. */
export async function acceptReviewed(
  db: LedgerDb,
  settings: { issuer: InvoiceIssuer; reviewThresholdPercent: number; timeZone: string },
  args: AcceptArgs,
): Promise<Snapshot> {
  const account = args.bill.client.company.account_number;
  if (!args.confirmReview && args.bill.result.billable) {
    const previous = (await previousTotals(db, args.period, [account])).get(account);
    const flags = reviewFlags(args.bill, previous, settings.reviewThresholdPercent);
    if (flags.length > 0) {
      throw new AppError(
        'review_required',
        `The bill is flagged for review (${flags.map((flag) => flag.message).join('; ')}); confirm the review to accept it`,
      );
    }
  }
  return acceptBill(db, {
    bill: args.bill,
    acceptedBy: args.acceptedBy,
    now: args.now,
    notes: args.notes,
    issuer: settings.issuer,
    ...(args.supersedes === undefined
      ? {}
      : { correction: { supersedes: args.supersedes, creditNoteDate: localDate(args.now, settings.timeZone) } }),
  });
}
