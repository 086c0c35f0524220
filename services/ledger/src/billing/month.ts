/**
 * A month's bills: reads codex once (companies in bulk, each plan once, each month's time entries
 * once), ledger's data in five queries, and runs the engine for every client. Clients whose plan is
 * unknown are kept and flagged, never dropped.
 */
import { cachedCodexSource, type CodexSource } from '../codex/source.js';
import type { CodexClient } from '../codex/schemas.js';
import { loadLedgerData, type LedgerDb } from '../db/store.js';
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

/** Computes the bills of a month for every client, or only `onlyAccount`. */
export async function billMonth(deps: { codex: CodexSource; db: LedgerDb }, period: Period, onlyAccount?: string): Promise<ClientBill[]> {
  const codex = cachedCodexSource(deps.codex);
  const all = await codex.clients();
  const clients = onlyAccount === undefined ? all : all.filter((c) => c.company.account_number === onlyAccount);
  const ledger = await loadLedgerData(deps.db, clients.map((c) => c.company.account_number));
  const [month, agentEmails] = await Promise.all([codex.timeEntries(periodKey(period)), codex.agentEmails()]);
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
    const priorMonths = await priorMinutes(codex, period, client);
    const input = assembleInput({ client, plan, ledger, agentEmails, period, timeEntries: entriesByAccount.get(client.company.account_number) ?? [], priorMonths });
    return { client, supportLevel: plan?.support_level ?? null, input, result: computeBill(input) };
  }));
}

/** Billable minutes of the earlier months of the client's prepaid year (contract or calendar). */
async function priorMinutes(codex: CodexSource, period: Period, client: CodexClient): Promise<PriorMonth[]> {
  const start = prepaidYearStart(period, client.company.contract_start);
  const months: PriorMonth[] = [];
  for (let i = 0; i < monthsBetween(start, period); i += 1) {
    const key = periodKey(addMonths(start, i));
    const answer = await codex.timeEntries(key);
    const total = answer.totals.find((row) => row.account_number === client.company.account_number);
    months.push({ month: key, billableMinutes: total?.billable_minutes ?? 0 });
  }
  return months;
}
