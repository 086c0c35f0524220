/**
 * The month-end job: accepts every client's bill for a month (normally the previous one). It runs
 * at most once per month: a `month_end_runs` row with a unique period is claimed first, so a second
 * run (another instance, a retry, the CLI) reports "already ran" and does nothing. Only a run that
 * failed half-way (or died: still "running" after six hours) may be run again; accepting is itself idempotent per client, so a retry simply
 * picks up the rest. Clients that cannot be billed and bills flagged for review are reported, never
 * silently skipped; flagged bills are accepted only when the run is forced.
 */
import { eq, sql } from 'drizzle-orm';
import { AppError } from '@hivematrix/sdk';
import { billMonth } from '../billing/index.js';
import type { CodexSource } from '../codex/index.js';
import { monthEndRuns } from '../db/index.js';
import type { LedgerDb } from '../db/index.js';
import { addMonths, localDate, parsePeriod, periodKey, type Period } from '../engine/index.js';
import type { InvoiceIssuer } from '../invoicing/index.js';
import { reviewMonth, type ReviewFlag } from './review.js';
import { acceptBill } from './snapshots.js';

/** After this long a run still marked "running" is taken to have died. */
const STALE_RUN_MS = 6 * 60 * 60 * 1000;

export interface MonthEndDeps {
  db: LedgerDb;
  codex: CodexSource;
  issuer: InvoiceIssuer;
  reviewThresholdPercent: number;
  now: () => Date;
}

/** What a run did, client by client. */
export interface MonthEndReport {
  period: string;
  status: 'ran' | 'already_ran';
  forced: boolean;
  triggered_by: string;
  accepted: {
    account_number: string;
    name: string;
    invoice_number: string;
    total_cents: number;
    flags: ReviewFlag[];
  }[];
  already_accepted: { account_number: string; name: string; invoice_number: string }[];
  cannot_bill: { account_number: string; name: string; reasons: string[] }[];
  flagged: { account_number: string; name: string; flags: ReviewFlag[] }[];
}

/** The month before the month of `now` in `timeZone`. */
export function previousMonth(now: Date, timeZone: string): Period {
  return addMonths(parsePeriod(localDate(now, timeZone).slice(0, 7)), -1);
}

/** Runs the month-end job for `period` once; a second call reports the first run as `already_ran`. */
export async function runMonthEnd(
  deps: MonthEndDeps,
  args: { period: Period; triggeredBy: string; force?: boolean },
): Promise<MonthEndReport> {
  const key = periodKey(args.period);
  const force = args.force ?? false;
  const startedAt = deps.now();
  // Claim the month; a failed run's row may be reclaimed, a running or finished one never.
  const claimed = await deps.db
    .insert(monthEndRuns)
    .values({ period: key, status: 'running', triggeredBy: args.triggeredBy, forced: force, startedAt })
    .onConflictDoUpdate({
      target: monthEndRuns.period,
      set: {
        status: 'running',
        triggeredBy: args.triggeredBy,
        forced: force,
        startedAt,
        finishedAt: null,
        error: null,
      },
      // A run left "running" for hours died with its process (no run takes that long): reclaimable too.
      setWhere: sql`${monthEndRuns.status} = 'failed' OR (${monthEndRuns.status} = 'running' AND ${monthEndRuns.startedAt} < ${new Date(startedAt.getTime() - STALE_RUN_MS)})`,
    })
    .returning({ id: monthEndRuns.id });
  if (claimed.length === 0) {
    const [run] = await deps.db.select().from(monthEndRuns).where(eq(monthEndRuns.period, key));
    const earlier = (run?.report ?? null) as MonthEndReport | null;
    return {
      period: key,
      status: 'already_ran',
      forced: run?.forced ?? false,
      triggered_by: run?.triggeredBy ?? '',
      accepted: earlier?.accepted ?? [],
      already_accepted: earlier?.already_accepted ?? [],
      cannot_bill: earlier?.cannot_bill ?? [],
      flagged: earlier?.flagged ?? [],
    };
  }
  try {
    const report = await acceptAll(deps, args.period, args.triggeredBy, force);
    await deps.db
      .update(monthEndRuns)
      .set({ status: 'done', finishedAt: deps.now(), report })
      .where(eq(monthEndRuns.period, key));
    return report;
  } catch (error) {
    await deps.db
      .update(monthEndRuns)
      .set({ status: 'failed', finishedAt: deps.now(), error: error instanceof Error ? error.message : String(error) })
      .where(eq(monthEndRuns.period, key));
    throw error;
  }
}

async function acceptAll(
  deps: MonthEndDeps,
  period: Period,
  triggeredBy: string,
  force: boolean,
): Promise<MonthEndReport> {
  const bills = await billMonth({ codex: deps.codex, db: deps.db }, period);
  const review = await reviewMonth(deps.db, bills, period, deps.reviewThresholdPercent);
  const report: MonthEndReport = {
    period: periodKey(period),
    status: 'ran',
    forced: force,
    triggered_by: triggeredBy,
    accepted: [],
    already_accepted: [],
    cannot_bill: [],
    flagged: [],
  };
  for (const [index, bill] of bills.entries()) {
    const entry = review[index];
    if (entry === undefined) continue;
    const who = { account_number: entry.account_number, name: entry.name };
    if (entry.accepted_invoice !== null) {
      report.already_accepted.push({ ...who, invoice_number: entry.accepted_invoice });
      continue;
    }
    if (!bill.result.billable) {
      report.cannot_bill.push({ ...who, reasons: [...bill.result.flags] });
      continue;
    }
    if (entry.flags.length > 0 && !force) {
      report.flagged.push({ ...who, flags: entry.flags });
      continue;
    }
    try {
      const row = await acceptBill(deps.db, {
        bill,
        acceptedBy: triggeredBy,
        now: deps.now(),
        notes: `Accepted by the month-end job${force ? ' (forced)' : ''}`,
        issuer: deps.issuer,
      });
      report.accepted.push({
        ...who,
        invoice_number: row.invoiceNumber,
        total_cents: row.totalCents,
        flags: entry.flags,
      });
    } catch (error) {
      // Someone accepted this client between the review read and now: already accepted, not a failure.
      if (!(error instanceof AppError) || error.code !== 'already_accepted') throw error;
      report.already_accepted.push({ ...who, invoice_number: '(accepted concurrently)' });
    }
  }
  return report;
}

/** The month-end run of a month, if any. */
export async function monthEndRun(db: LedgerDb, period: Period) {
  const [run] = await db
    .select()
    .from(monthEndRuns)
    .where(eq(monthEndRuns.period, periodKey(period)));
  return run;
}

/** The month-end job bound to ledger's configuration (for the routes, the scheduler and the CLI). */
export function monthEndRunner(deps: {
  db: LedgerDb;
  codex: CodexSource;
  now: () => Date;
  issuer: InvoiceIssuer;
  reviewThresholdPercent: number;
}) {
  return (args: { period: Period; triggeredBy: string; force: boolean }): Promise<MonthEndReport> =>
    runMonthEnd(deps, args);
}
