/**
 * The billing engine: a pure function from a client's month (`BillInput`) to its bill. No HTTP, no
 * database, no clock: the same inputs always give the same bill, so a snapshot can be re-verified.
 * Every line is rounded half-up to the cent and the total is the sum of the lines.
 */
import { computeBackup } from './backup.js';
import { computeLabour } from './labour.js';
import { formatCents } from './money.js';
import type { Cents } from './money.js';
import { periodKey } from './period.js';
import { DEVICE_LABEL, ZERO_RATES, deviceRate, effectiveRates } from './rates.js';
import type {
  BackupFigures,
  BillInput,
  BillResult,
  BillableDevice,
  BillableUser,
  DeviceBillingType,
  Excluded,
  InvoiceLine,
  LineKind,
  Rates,
} from './types.js';

/** The flag of a client whose plan or term has no price list. */
export const NO_PLAN_FLAG = 'cannot bill: no plan';

/** Computes one client's bill for one month. */
export function computeBill(input: BillInput): BillResult {
  const { known, rates, flags } = ratesOf(input);
  const excluded: Excluded[] = [];
  const users = priceUsers(input.users, rates, flags, excluded);
  const devices = priceDevices(input.devices, rates, flags, excluded);
  const lines: InvoiceLine[] = [...users.lines, ...devices.lines];

  const backup = computeBackup(devices.counted, rates);
  const backupLine = backupLineOf(backup.figures, backup.counted);
  if (backupLine !== null) lines.push(backupLine);

  const labour = computeLabour({
    period: input.period,
    contractStart: input.client.contractStart,
    prepaid: input.prepaidHours,
    entries: input.timeEntries,
    priorMonths: input.priorMonths,
    perHour: rates.perHour,
  });
  if (labour.figures.billableHours !== '0.00') {
    lines.push({
      kind: 'labour',
      item: 'Hourly Labor',
      description: `Billable Hours (${labour.figures.billableHours} hrs)`,
      quantity: labour.figures.billableHours,
      rateCents: rates.perHour,
      amountCents: labour.figures.chargeCents,
      sources: labour.counted.map((id) => `time:${id}`),
    });
  }

  const items = dueLineItems(input);
  lines.push(...items.lines);

  const billedLines = known ? lines : [];
  const subtotals: Record<LineKind, Cents> = { user: 0, device: 0, backup: 0, labour: 0, line_item: 0 };
  for (const billed of billedLines) subtotals[billed.kind] += billed.amountCents;
  return {
    period: periodKey(input.period),
    accountNumber: input.client.accountNumber,
    billable: known,
    flags,
    rates: known ? rates : null,
    lines: billedLines,
    totalCents: billedLines.reduce((sum, billed) => sum + billed.amountCents, 0),
    subtotals,
    counts: { users: users.counted.length, devices: devices.counts },
    labour: labour.figures,
    backup: backup.figures,
    counted: {
      users: users.counted,
      devices: devices.counted.map((device) => device.id),
      timeEntries: labour.counted,
      backupDevices: backup.counted,
      lineItems: items.counted,
    },
    excluded,
  };
}

/** Whether the client's plan is known, its effective rates, and the flags so far. */
export function ratesOf(input: Pick<BillInput, 'client' | 'planRates' | 'rateOverrides'>): {
  known: boolean;
  rates: Rates;
  flags: string[];
} {
  const flags: string[] = [];
  const known = input.client.planName !== null && input.client.planName !== '' && input.planRates !== null;
  if (!known) flags.push(NO_PLAN_FLAG);
  return {
    known,
    rates: known && input.planRates !== null ? effectiveRates(input.planRates, input.rateOverrides) : ZERO_RATES,
    flags,
  };
}

/** One line per counted user (active, not an agent, once each); the others excluded with the reason. */
export function priceUsers(
  users: readonly BillableUser[],
  rates: Rates,
  flags: string[],
  excluded: Excluded[],
): { lines: InvoiceLine[]; counted: string[] } {
  const lines: InvoiceLine[] = [];
  const counted: string[] = [];
  const seen = new Set<string>();
  for (const user of users) {
    if (seen.has(user.id)) {
      excluded.push({ id: user.id, reason: 'duplicate' });
      continue;
    }
    seen.add(user.id);
    if (!user.active) {
      excluded.push({ id: user.id, reason: 'inactive' });
      continue;
    }
    if (user.isAgent) {
      excluded.push({ id: user.id, reason: 'agent of the MSP' });
      continue;
    }
    counted.push(user.id);
    const amount =
      user.billingType === 'paid'
        ? rates.perUser
        : user.billingType === 'custom'
          ? customAmount(user.customCents, user.id, flags)
          : 0;
    const label = user.billingType === 'paid' ? 'Paid' : user.billingType === 'custom' ? 'Custom' : 'Free';
    lines.push(line('user', 'Managed Services', `User: ${user.name} (${label})`, amount, [user.id]));
  }
  return { lines, counted };
}

/** One line per counted device (active, once each), with the counts per billing type. */
export function priceDevices(
  devices: readonly BillableDevice[],
  rates: Rates,
  flags: string[],
  excluded: Excluded[],
): { lines: InvoiceLine[]; counted: BillableDevice[]; counts: Record<DeviceBillingType, number> } {
  const lines: InvoiceLine[] = [];
  const counted: BillableDevice[] = [];
  const counts: Record<DeviceBillingType, number> = {
    workstation: 0,
    server: 0,
    virtual_machine: 0,
    switch: 0,
    firewall: 0,
    not_billed: 0,
    custom: 0,
  };
  const seen = new Set<string>();
  for (const device of devices) {
    if (seen.has(device.id)) {
      excluded.push({ id: device.id, reason: 'duplicate' });
      continue;
    }
    seen.add(device.id);
    if (!device.active) {
      excluded.push({ id: device.id, reason: 'inactive' });
      continue;
    }
    counted.push(device);
    counts[device.billingType] += 1;
    const amount =
      device.billingType === 'custom'
        ? customAmount(device.customCents, device.id, flags)
        : deviceRate(rates, device.billingType);
    lines.push(
      line('device', 'Managed Services', `Asset: ${device.hostname} (${DEVICE_LABEL[device.billingType]})`, amount, [
        device.id,
      ]),
    );
  }
  return { lines, counted, counts };
}

/** The backup line, or null when backup charges nothing. */
export function backupLineOf(f: BackupFigures, counted: string[]): InvoiceLine | null {
  if (f.chargeCents <= 0) return null;
  const description = `Backup Services - ${f.workstations} workstation(s), ${f.servers} server(s), ${f.totalTb} TB used, ${f.includedTb} TB included, ${f.overageTb} TB overage`;
  return line('backup', 'Backup Services', description, f.chargeCents, counted);
}

/** Every fee of the client's line items due in the month, one line each, and the items billed. */
export function dueLineItems(input: Pick<BillInput, 'lineItems' | 'period'>): {
  lines: InvoiceLine[];
  counted: number[];
} {
  const key = periodKey(input.period);
  const lines: InvoiceLine[] = [];
  const counted: number[] = [];
  for (const item of input.lineItems) {
    const due: { kind: string; cents: Cents }[] = [];
    const r = item.recurring;
    if (
      r !== undefined &&
      (r.firstMonth === null || r.firstMonth <= key) &&
      (r.lastMonth === null || key <= r.lastMonth)
    )
      due.push({ kind: 'Recurring', cents: r.cents });
    if (item.oneOff !== undefined && item.oneOff.month === key) due.push({ kind: 'One-Off', cents: item.oneOff.cents });
    if (item.yearly !== undefined && item.yearly.billMonth === input.period.month)
      due.push({ kind: 'Yearly', cents: item.yearly.cents });
    if (due.length > 0) counted.push(item.id);
    for (const fee of due)
      lines.push(line('line_item', 'Custom Charge', `${item.name} (${fee.kind})`, fee.cents, [`item:${item.id}`]));
  }
  return { lines, counted };
}

function customAmount(cents: Cents | null, id: string, flags: string[]): Cents {
  if (cents === null) {
    flags.push(`custom amount missing: ${id}`);
    return 0;
  }
  return cents;
}

function line(kind: LineKind, item: string, description: string, amountCents: Cents, sources: string[]): InvoiceLine {
  return { kind, item, description, quantity: '1', rateCents: amountCents, amountCents, sources };
}

/** A bill's total as dollars and cents, for display (`267000` → `2670.00`). */
export function totalText(result: BillResult): string {
  return formatCents(result.totalCents);
}
