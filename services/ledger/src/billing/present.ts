/** JSON shapes of bills as ledger's API answers them (money as integer cents). */
import type { ClientBill, ClientTotals } from './month.js';

/** One dashboard row, from a client's totals or its whole bill. */
export function dashboardRow(bill: ClientTotals | ClientBill) {
  const { result, client } = bill;
  return {
    account_number: client.company.account_number,
    name: client.company.name,
    plan_name: 'planName' in bill ? bill.planName : bill.input.client.planName,
    contract_term: client.company.contract_term,
    support_level: bill.supportLevel,
    billable: result.billable,
    flags: [...result.flags],
    total_cents: result.totalCents,
    users: result.counts.users,
    devices: { ...result.counts.devices },
    hours: (result.labour.minutes / 60).toFixed(2),
    billable_hours: result.labour.billableHours,
    backup_tb: result.backup.totalTb,
  };
}

/** A client's whole bill: the row, the lines and the trace. */
export function billDetail(bill: ClientBill) {
  return { ...dashboardRow(bill), result: bill.result };
}
