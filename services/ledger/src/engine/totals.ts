/**
 * A client's month from totals instead of items: what the dashboard and the review queue show
 * (total, subtotals, counts, labour and backup figures), without a line per user, device or time
 * entry. The items priced differently (ledger overrides, manual users and devices) are still
 * listed and priced by the same functions as `computeBill`; the rest arrive as counts, backup sums
 * and billable minutes, priced by the same rules. For the same month, `computeTotals` gives what
 * `computeBill` gives in the same fields (a test holds them equal for every client).
 */
import { backupFigures } from './backup.js';
import { priceDevices, priceUsers, ratesOf, dueLineItems } from './compute.js';
import { labourFigures } from './labour.js';
import type { Cents } from './money.js';
import { periodKey } from './period.js';
import { deviceRate } from './rates.js';
import type { BillInput, BillResult, DeviceBillingType, Excluded, LineKind } from './types.js';

/** Devices of one billing type, summed (never `custom`: only a ledger override makes a device custom, and those are listed). */
export interface DeviceGroup {
  readonly billingType: Exclude<DeviceBillingType, 'custom'>;
  readonly count: number;
  /** Devices with backup usage above zero. */
  readonly backedUp: number;
  /** Their backup bytes. */
  readonly backupBytes: bigint;
}

/** A client's month as totals: the listed users and devices (as in `BillInput`), plus the summed ones. */
export interface TotalsInput extends Omit<BillInput, 'timeEntries'> {
  /** Users counted and billed at the paid rate without being listed (active, not agents, no override). */
  readonly paidUsers: number;
  /** Active devices not listed, per billing type. */
  readonly deviceGroups: readonly DeviceGroup[];
  /** Σ minutes of the month's billable time entries. */
  readonly billableMinutes: number;
}

/** The fields of a bill that totals determine. */
export type BillTotals = Pick<
  BillResult,
  | 'period'
  | 'accountNumber'
  | 'billable'
  | 'flags'
  | 'rates'
  | 'totalCents'
  | 'subtotals'
  | 'counts'
  | 'labour'
  | 'backup'
>;

/** Computes a client's month from totals. */
export function computeTotals(input: TotalsInput): BillTotals {
  const { known, rates, flags } = ratesOf(input);
  const excluded: Excluded[] = [];
  const users = priceUsers(input.users, rates, flags, excluded);
  const devices = priceDevices(input.devices, rates, flags, excluded);
  const counts = devices.counts;
  let deviceCents = devices.lines.reduce((sum, row) => sum + row.amountCents, 0);
  let workstations = 0;
  let servers = 0;
  let bytes = 0n;
  for (const device of devices.counted) {
    if (device.backupBytes <= 0) continue;
    bytes += BigInt(Math.trunc(device.backupBytes));
    if (device.billingType === 'workstation') workstations += 1;
    else if (device.billingType === 'server' || device.billingType === 'virtual_machine') servers += 1;
  }
  for (const group of input.deviceGroups) {
    counts[group.billingType] += group.count;
    deviceCents += group.count * deviceRate(rates, group.billingType);
    bytes += group.backupBytes;
    if (group.billingType === 'workstation') workstations += group.backedUp;
    else if (group.billingType === 'server' || group.billingType === 'virtual_machine') servers += group.backedUp;
  }
  const backup = backupFigures({ workstations, servers, bytes }, rates);
  const labour = labourFigures(input.billableMinutes, {
    period: input.period,
    contractStart: input.client.contractStart,
    prepaid: input.prepaidHours,
    priorMonths: input.priorMonths,
    perHour: rates.perHour,
  });
  const items = dueLineItems(input);
  const subtotals: Record<LineKind, Cents> = known
    ? {
        user: users.lines.reduce((sum, row) => sum + row.amountCents, 0) + input.paidUsers * rates.perUser,
        device: deviceCents,
        backup: backup.chargeCents,
        // computeBill prints no labour line when the billable hours print as 0.00.
        labour: labour.billableHours === '0.00' ? 0 : labour.chargeCents,
        line_item: items.lines.reduce((sum, row) => sum + row.amountCents, 0),
      }
    : { user: 0, device: 0, backup: 0, labour: 0, line_item: 0 };
  return {
    period: periodKey(input.period),
    accountNumber: input.client.accountNumber,
    billable: known,
    flags,
    rates: known ? rates : null,
    totalCents: Object.values(subtotals).reduce((sum, cents) => sum + cents, 0),
    subtotals,
    counts: { users: users.counted.length + input.paidUsers, devices: counts },
    labour,
    backup,
  };
}
