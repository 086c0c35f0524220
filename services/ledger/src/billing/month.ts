/**
 * A month's bills: ledger's own data in a few queries, then codex once (its month read: the
 * companies active at any time in the month with their contacts, assets, time entries and, when
 * some client has yearly prepaid hours, earlier months' billable minutes; the plan catalogue; the
 * agents), then the engine for every client in memory. Clients whose plan is unknown are kept and
 * flagged, never dropped; a company archived during (or after) the month is billed for it.
 *
 * Measured with bench/ledger.ts (1,000 clients, 40,000 time entries a month, bench/README.md):
 * one codex call per thousand clients instead of six or more calls per page. The dashboard reads
 * the month's totals instead (`totalsMonth`): codex sums per company, so no item travels.
 */
import { findPlan } from '../codex/index.js';
import type { CodexSource, CodexClient, CodexClientTotals, CodexCompany } from '../codex/index.js';
import { loadLedgerData } from '../db/index.js';
import type { LedgerData, LedgerDb } from '../db/index.js';
import { addMonths, computeBill, computeTotals, monthsBetween, periodKey, prepaidYearStart } from '../engine/index.js';
import type { BillInput, BillResult, BillTotals, Period, PriorMonth, TimeEntry } from '../engine/index.js';
import { assembleInput, assembleTotals, effectivePlanName } from './assemble.js';

/** One client's bill with what it was computed from. */
export interface ClientBill {
  client: CodexClient;
  supportLevel: string | null;
  input: BillInput;
  result: BillResult;
}

/** One client's month as totals (the dashboard's and the review queue's view of a bill). */
export interface ClientTotals {
  client: { company: CodexCompany };
  /** The plan name billed on (ledger's override, else codex's). */
  planName: string | null;
  supportLevel: string | null;
  result: BillTotals;
}

/** A prepaid year starts at most eleven months before the billed month. */
const PREPAID_YEAR_MONTHS = 11;

/** Computes the bills of a month for every client codex lists for it, or only `onlyAccount`. */
export async function billMonth(
  deps: { codex: CodexSource; db: LedgerDb },
  period: Period,
  onlyAccount?: string,
): Promise<ClientBill[]> {
  const ledger = await loadLedgerData(deps.db, onlyAccount === undefined ? 'all' : [onlyAccount]);
  // Earlier months matter only to the yearly drawdown: asked for only for clients with yearly hours.
  const yearly = [...ledger.clients.keys()].filter((account) => hasYearly(ledger, account));
  const month = await deps.codex.month({
    month: periodKey(period),
    account: onlyAccount,
    prior:
      yearly.length === 0 ? undefined : { from: periodKey(addMonths(period, -PREPAID_YEAR_MONTHS)), accounts: yearly },
  });
  return month.clients.map((client): ClientBill => {
    const account = client.company.account_number;
    const planName = effectivePlanName(client, ledger);
    const plan =
      planName === null || planName === '' ? null : findPlan(month.plans, planName, client.company.contract_term);
    const timeEntries = client.entries.map((entry): TimeEntry => ({
      id: entry.id,
      ticketNumber: entry.ticket_number,
      entryDate: entry.entry_date,
      minutes: entry.minutes,
      billable: entry.billable,
    }));
    const input = assembleInput({
      client,
      plan,
      ledger,
      agentEmails: month.agentEmails,
      period,
      timeEntries,
      priorMonths: hasYearly(ledger, account) ? priorMonthsOf(period, client) : [],
    });
    return { client, supportLevel: plan?.support_level ?? null, input, result: computeBill(input) };
  });
}

/**
 * Computes the totals of a month for every client codex lists for it: the same figures as
 * `billMonth` gives in `result` (total, subtotals, counts, labour, backup, flags), from codex's
 * per-company sums. The contacts and assets ledger holds an override for are read one by one.
 */
export async function totalsMonth(deps: { codex: CodexSource; db: LedgerDb }, period: Period): Promise<ClientTotals[]> {
  const ledger = await loadLedgerData(deps.db, 'all');
  const yearly = [...ledger.clients.keys()].filter((account) => hasYearly(ledger, account));
  const month = await deps.codex.totals({
    month: periodKey(period),
    prior:
      yearly.length === 0 ? undefined : { from: periodKey(addMonths(period, -PREPAID_YEAR_MONTHS)), accounts: yearly },
    listed: { contacts: [...ledger.users.keys()], assets: [...ledger.devices.keys()] },
  });
  return month.clients.map((client): ClientTotals => {
    const account = client.company.account_number;
    const planName = effectivePlanName(client, ledger);
    const plan =
      planName === null || planName === '' ? null : findPlan(month.plans, planName, client.company.contract_term);
    const input = assembleTotals({
      client,
      plan,
      ledger,
      agentEmails: month.agentEmails,
      period,
      priorMonths: hasYearly(ledger, account) ? priorMonthsOf(period, client) : [],
    });
    return { client, planName, supportLevel: plan?.support_level ?? null, result: computeTotals(input) };
  });
}

/** Whether a client has yearly prepaid hours, the only use of the earlier months' minutes. */
function hasYearly(ledger: LedgerData, account: string): boolean {
  return Number(ledger.clients.get(account)?.prepaidHoursYearly ?? 0) > 0;
}

/** The billable minutes of each earlier month of the client's prepaid year (contract year, else calendar year). */
function priorMonthsOf(period: Period, client: CodexClient | CodexClientTotals): PriorMonth[] {
  const start = prepaidYearStart(period, client.company.contract_start);
  const minutes = new Map(client.prior_months.map((row) => [row.month, row.billable_minutes]));
  return Array.from({ length: monthsBetween(start, period) }, (_, i) => {
    const key = periodKey(addMonths(start, i));
    return { month: key, billableMinutes: minutes.get(key) ?? 0 };
  });
}
