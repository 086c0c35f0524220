/** What the invoice, archive, review and month-end routes receive from the composition root. */
import type { MonthEndReport } from '../../archive/index.js';
import type { Period } from '../../engine/index.js';
import type { InvoiceIssuer } from '../../invoicing/index.js';
import type { BillingRouteOptions } from '../dashboard/index.js';

export interface LedgerRouteOptions extends BillingRouteOptions {
  issuer: InvoiceIssuer;
  reviewThresholdPercent: number;
  /** Runs the month-end job (the same function the scheduler and the CLI call). */
  runMonthEnd: (args: { period: Period; triggeredBy: string; force: boolean }) => Promise<MonthEndReport>;
}
