/**
 * Turns codex's data and ledger's overrides into the engine's input. Pure: no I/O.
 * Codex's `billing_type` is what it derived from the RMM type (or its own override); a ledger
 * override wins over it. Users and devices are keyed by source so a contact is counted once.
 */
import type {
  BillInput,
  BillableDevice,
  BillableUser,
  DeviceGroup,
  LineItem,
  Period,
  PriorMonth,
  Rates,
  TimeEntry,
  TotalsInput,
} from '../engine/index.js';
import type { CodexAsset, CodexClientTotals, CodexCompany, CodexContact, CodexPlan } from '../codex/index.js';
import type { LedgerData } from '../db/index.js';

const RATE_KEYS: readonly (keyof Rates)[] = [
  'perUser',
  'perWorkstation',
  'perServer',
  'perVirtualMachine',
  'perSwitch',
  'perFirewall',
  'perHour',
  'backupBaseWorkstation',
  'backupBaseServer',
  'backupPerTb',
  'backupIncludedTb',
];

/** A codex plan's prices as engine rates. */
export function ratesOfPlan(plan: CodexPlan): Rates {
  const p = plan.prices_cents;
  return {
    perUser: p.per_user,
    perWorkstation: p.per_workstation,
    perServer: p.per_server,
    perVirtualMachine: p.per_vm,
    perSwitch: p.per_switch,
    perFirewall: p.per_firewall,
    perHour: p.per_hour,
    backupBaseWorkstation: p.backup_base_workstation,
    backupBaseServer: p.backup_base_server,
    backupPerTb: p.backup_per_tb,
    backupIncludedTb: plan.backup_included_tb,
  };
}

/** Only the known, finite rate keys of a stored override object. */
export function cleanRateOverrides(stored: Record<string, unknown>): Partial<Rates> {
  const result: Partial<Record<keyof Rates, number>> = {};
  for (const key of RATE_KEYS) {
    const value = stored[key];
    if (typeof value === 'number' && Number.isFinite(value) && value >= 0) result[key] = value;
  }
  return result;
}

/** The plan name a client is billed on: ledger's override when set, else codex's. */
export function effectivePlanName(client: { company: CodexCompany }, ledger: LedgerData): string | null {
  const override = ledger.clients.get(client.company.account_number)?.planName ?? null;
  return override !== null && override !== '' ? override : client.company.plan_name;
}

/** What a client's month is assembled from besides its codex items. */
interface AssembleArgs {
  plan: CodexPlan | null;
  ledger: LedgerData;
  /** Lower-cased e-mails of the MSP's agents. */
  agentEmails: ReadonlySet<string>;
  period: Period;
  priorMonths: readonly PriorMonth[];
}

/** Builds the engine input of one client for one month. */
export function assembleInput(
  args: AssembleArgs & {
    client: { company: CodexCompany; contacts: readonly CodexContact[]; assets: readonly CodexAsset[] };
    timeEntries: readonly TimeEntry[];
  },
): BillInput {
  return { ...assembleListed(args, args.client), timeEntries: args.timeEntries };
}

/**
 * Builds the totals input of one client for one month: codex summed the contacts and assets ledger
 * holds no override for, and listed the others, which are assembled as in `assembleInput`.
 */
export function assembleTotals(args: AssembleArgs & { client: CodexClientTotals }): TotalsInput {
  const { client } = args;
  const deviceGroups: DeviceGroup[] = client.asset_groups.map((group) => ({
    billingType: group.billing_type,
    count: group.count,
    backedUp: group.backed_up,
    backupBytes: BigInt(group.backup_bytes),
  }));
  return {
    ...assembleListed(args, {
      company: client.company,
      contacts: client.listed_contacts,
      assets: client.listed_assets,
    }),
    paidUsers: client.paid_users,
    deviceGroups,
    billableMinutes: client.billable_minutes,
  };
}

/** Everything of the engine's input but the time entries, from the given codex contacts and assets. */
function assembleListed(
  args: AssembleArgs,
  client: { company: CodexCompany; contacts: readonly CodexContact[]; assets: readonly CodexAsset[] },
): Omit<BillInput, 'timeEntries'> {
  const { ledger } = args;
  const account = client.company.account_number;
  const overrides = ledger.clients.get(account);
  // Codex lists the contacts and assets present at some time in the month: one archived during
  // the month (or since) was active in it and counts, like a company archived during the month.
  const users: BillableUser[] = client.contacts.map((contact) => {
    const override = ledger.users.get(contact.id);
    return {
      id: `contact:${contact.id}`,
      name: contact.name,
      source: 'codex',
      active: contact.active,
      isAgent: contact.email !== null && args.agentEmails.has(contact.email.toLowerCase()),
      billingType: override?.billingType ?? 'paid',
      customCents: override?.customCents ?? null,
    };
  });
  for (const manual of ledger.manualUsers.filter((row) => row.accountNumber === account)) {
    users.push({
      id: `manual-user:${manual.id}`,
      name: manual.fullName,
      source: 'manual',
      active: manual.active,
      isAgent: false,
      billingType: manual.billingType,
      customCents: manual.customCents,
    });
  }
  const devices: BillableDevice[] = client.assets.map((asset) => {
    const override = ledger.devices.get(asset.id);
    return {
      id: `asset:${asset.id}`,
      hostname: asset.hostname,
      source: 'codex',
      active: true,
      billingType: override?.billingType ?? asset.billing_type,
      customCents: override?.customCents ?? null,
      backupBytes: asset.backup_usage_bytes ?? 0,
    };
  });
  for (const manual of ledger.manualDevices.filter((row) => row.accountNumber === account)) {
    devices.push({
      id: `manual-device:${manual.id}`,
      hostname: manual.hostname,
      source: 'manual',
      active: manual.active,
      billingType: manual.billingType,
      customCents: manual.customCents,
      backupBytes: manual.backupBytes,
    });
  }
  const items: LineItem[] = ledger.lineItems
    .filter((row) => row.accountNumber === account)
    .map((row) => ({
      id: row.id,
      name: row.name,
      ...(row.recurringCents === null
        ? {}
        : { recurring: { cents: row.recurringCents, firstMonth: row.firstMonth, lastMonth: row.lastMonth } }),
      ...(row.oneOffCents === null || row.oneOffMonth === null
        ? {}
        : { oneOff: { cents: row.oneOffCents, month: row.oneOffMonth } }),
      ...(row.yearlyCents === null || row.yearlyMonth === null
        ? {}
        : { yearly: { cents: row.yearlyCents, billMonth: row.yearlyMonth } }),
    }));
  return {
    period: args.period,
    client: {
      accountNumber: account,
      name: client.company.name,
      planName: effectivePlanName(client, ledger),
      term: client.company.contract_term,
      contractStart: client.company.contract_start,
    },
    planRates: args.plan === null ? null : ratesOfPlan(args.plan),
    rateOverrides: cleanRateOverrides(overrides?.rateOverrides ?? {}),
    prepaidHours: {
      monthly: Number(overrides?.prepaidHoursMonthly ?? 0),
      yearly: Number(overrides?.prepaidHoursYearly ?? 0),
    },
    users,
    devices,
    priorMonths: args.priorMonths,
    lineItems: items,
  };
}
