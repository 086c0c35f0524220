/**
 * A month's bills: reads codex once (companies in bulk, each plan once, each month's time entries
 * once), ledger's data in five queries, and runs the engine for every client. Clients whose plan is
 * unknown are kept and flagged, never dropped.
 *
 * Measured with bench/ledger.ts (1,000 clients, 40,000 time entries a month): codex answers a
 * month's entries in about a second, so the reads are overlapped (companies, the month, agents at
 * once) and the earlier months of a prepaid year, which only matter to the yearly drawdown, are
 * read only for clients that have yearly prepaid hours, two months at a time so codex is never
 * asked for a year of entries at once (that exceeded the service client's 10 s timeout).
 */
import { cachedCodexSource, type CodexSource } from '../codex/source.js';
import type { CodexClient } from '../codex/schemas.js';
import { loadLedgerData, type LedgerData, type LedgerDb } from '../db/store.js';
import { addMonths, computeBill, monthsBetween, periodKey, prepaidYearStart } from '../engine/index.js';
import type { BillInput, BillResult, Period, PriorMonth, TimeEntry } from '../engine/index.js';
import { assembleInput, effectivePlanName } from './assemble.js';

/** One client's bill with what it was computed from. */
export interface ClientBill {
  client: CodexClient;
  supportLevel: string | null;
  input: BillInput;
  result: BillResult;
}

/** How many earlier months are read from codex at the same time. */
const PRIOR_MONTH_CONCURRENCY = 2;

/** Computes the bills of a month for every client, or only `onlyAccount`. */
export async function billMonth(deps: { codex: CodexSource; db: LedgerDb }, period: Period, onlyAccount?: string): Promise<ClientBill[]> {
  const codex = cachedCodexSource(deps.codex);
  // Started together: none of these depends on another.
  const monthAnswer = codex.timeEntries(periodKey(period));
  const agents = codex.agentEmails();
  // Settle the side reads if the company read fails first, so no rejection goes unhandled.
  monthAnswer.catch(() => undefined);
  agents.catch(() => undefined);
  const all = await codex.clients();
  const clients = onlyAccount === undefined ? all : all.filter((c) => c.company.account_number === onlyAccount);
  const ledger = await loadLedgerData(deps.db, clients.map((c) => c.company.account_number));
  const priorTotals = await priorMonthTotals(codex, period, clients, ledger);
  const [month, agentEmails] = await Promise.all([monthAnswer, agents]);
  const entriesByAccount = new Map<string, TimeEntry[]>();
  for (const entry of month.entries) {
    if (entry.account_number === null) continue;
    const list = entriesByAccount.get(entry.account_number) ?? [];
    list.push({ id: entry.id, ticketNumber: entry.ticket_number, entryDate: entry.entry_date, minutes: entry.minutes, billable: entry.billable });
    entriesByAccount.set(entry.account_number, list);
  }
  return Promise.all(clients.map(async (client): Promise<ClientBill> => {
    const planName = effectivePlanName(client, ledger);
    const plan = planName === null || planName === '' ? null : await codex.plan(planName, client.company.contract_term);
    const account = client.company.account_number;
    const priorMonths = priorMonthsOf(period, client).map((key): PriorMonth => ({ month: key, billableMinutes: priorTotals.get(key)?.get(account) ?? 0 }));
    const input = assembleInput({ client, plan, ledger, agentEmails, period, timeEntries: entriesByAccount.get(account) ?? [], priorMonths: hasYearly(ledger, account) ? priorMonths : [] });
    return { client, supportLevel: plan?.support_level ?? null, input, result: computeBill(input) };
  }));
}

/** Whether a client has yearly prepaid hours, the only use of the earlier months' minutes. */
function hasYearly(ledger: LedgerData, account: string): boolean {
  return Number(ledger.clients.get(account)?.prepaidHoursYearly ?? 0) > 0;
}

/** The earlier months (`YYYY-MM`) of the client's prepaid year (contract year, else calendar year). */
function priorMonthsOf(period: Period, client: CodexClient): string[] {
  const start = prepaidYearStart(period, client.company.contract_start);
  return Array.from({ length: monthsBetween(start, period) }, (_, i) => periodKey(addMonths(start, i)));
}

/** Billable minutes per account of every earlier month some client with yearly prepaid hours needs. */
async function priorMonthTotals(codex: CodexSource, period: Period, clients: readonly CodexClient[], ledger: LedgerData): Promise<Map<string, Map<string, number>>> {
  const needed = [...new Set(clients.filter((c) => hasYearly(ledger, c.company.account_number)).flatMap((c) => priorMonthsOf(period, c)))].sort().reverse();
  const totals = new Map<string, Map<string, number>>();
  for (let i = 0; i < needed.length; i += PRIOR_MONTH_CONCURRENCY) {
    await Promise.all(needed.slice(i, i + PRIOR_MONTH_CONCURRENCY).map(async (key) => {
      const rows = await (codex.monthTotals?.(key) ?? codex.timeEntries(key).then((answer) => answer.totals));
      totals.set(key, new Map(rows.flatMap((row) => (row.account_number === null ? [] : [[row.account_number, row.billable_minutes] as const]))));
    }));
  }
  return totals;
}
