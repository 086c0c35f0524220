/**
 * The billing engine's inputs and outputs. Everything the engine needs is in `BillInput`, already
 * fetched and parsed; the engine does no I/O, so a bill can be recomputed from a stored snapshot.
 */
import type { Cents } from './money.js';
import type { Period } from './period.js';

/** The prices a client is billed at, integer cents except the included TB (a decimal, ≤ 2 places). */
export interface Rates {
  readonly perUser: Cents;
  readonly perWorkstation: Cents;
  readonly perServer: Cents;
  readonly perVirtualMachine: Cents;
  readonly perSwitch: Cents;
  readonly perFirewall: Cents;
  readonly perHour: Cents;
  readonly backupBaseWorkstation: Cents;
  readonly backupBaseServer: Cents;
  readonly backupPerTb: Cents;
  readonly backupIncludedTb: number;
}

/** How a person is billed. */
export type UserBillingType = 'paid' | 'free' | 'custom';

/** How a device is billed (codex's types plus ledger's `custom`). */
export type DeviceBillingType =
  'workstation' | 'server' | 'virtual_machine' | 'switch' | 'firewall' | 'not_billed' | 'custom';

/** A person who may be billed: a codex contact (with any ledger override applied) or a manual user. */
export interface BillableUser {
  readonly id: string; // `contact:<codex id>` or `manual:<ledger id>`, unique per person
  readonly name: string;
  readonly source: 'codex' | 'manual';
  readonly active: boolean;
  readonly isAgent: boolean;
  readonly billingType: UserBillingType;
  readonly customCents: Cents | null;
}

/** A device that may be billed: a codex asset (its `billing_type`, or ledger's override) or a manual device. */
export interface BillableDevice {
  readonly id: string;
  readonly hostname: string;
  readonly source: 'codex' | 'manual';
  readonly active: boolean;
  readonly billingType: DeviceBillingType;
  readonly customCents: Cents | null;
  readonly backupBytes: number; // 0 when the device is not backed up
}

/** One dated time entry from codex (`entry_date` is the local calendar date of the work). */
export interface TimeEntry {
  readonly id: number;
  readonly ticketNumber: string;
  readonly entryDate: string; // YYYY-MM-DD
  readonly minutes: number;
  readonly billable: boolean;
}

/** Billable minutes of one earlier month, for the yearly prepaid drawdown. */
export interface PriorMonth {
  readonly month: string; // YYYY-MM
  readonly billableMinutes: number;
}

/**
 * A ledger line item. It may carry several fees; each one due in the month is billed:
 * recurring (every month between optional first and last months), one-off (one month), yearly
 * (one month every year).
 */
export interface LineItem {
  readonly id: number;
  readonly name: string;
  readonly recurring?: { readonly cents: Cents; readonly firstMonth: string | null; readonly lastMonth: string | null };
  readonly oneOff?: { readonly cents: Cents; readonly month: string };
  readonly yearly?: { readonly cents: Cents; readonly billMonth: number };
}

/** Everything needed to bill one client for one month. */
export interface BillInput {
  readonly period: Period;
  readonly client: {
    readonly accountNumber: string;
    readonly name: string;
    readonly planName: string | null;
    readonly term: string | null;
    readonly contractStart: string | null; // YYYY-MM-DD
  };
  /** The plan's prices for the client's plan and term; null when the plan or term is unknown. */
  readonly planRates: Rates | null;
  /** The client's enabled rate overrides only. */
  readonly rateOverrides: Partial<Rates>;
  readonly prepaidHours: { readonly monthly: number; readonly yearly: number };
  readonly users: readonly BillableUser[];
  readonly devices: readonly BillableDevice[];
  readonly timeEntries: readonly TimeEntry[];
  readonly priorMonths: readonly PriorMonth[];
  readonly lineItems: readonly LineItem[];
}

/** What an invoice line bills. */
export type LineKind = 'user' | 'device' | 'backup' | 'labour' | 'line_item';

/** One invoice line. `quantity` is a decimal string; `amountCents` is the rounded line total. */
export interface InvoiceLine {
  readonly kind: LineKind;
  readonly item: string;
  readonly description: string;
  readonly quantity: string;
  readonly rateCents: Cents;
  readonly amountCents: Cents;
  /** The ids of the inputs this line counts (user, device, time entry, line item ids). */
  readonly sources: readonly string[];
}

/** Why an input was not billed, for the trace. */
export interface Excluded {
  readonly id: string;
  readonly reason: string;
}

/** The engine's answer. `totalCents` is the sum of the lines' amounts. */
export interface BillResult {
  readonly period: string;
  readonly accountNumber: string;
  readonly billable: boolean;
  readonly flags: readonly string[];
  readonly rates: Rates | null;
  readonly lines: readonly InvoiceLine[];
  readonly totalCents: Cents;
  readonly subtotals: Readonly<Record<LineKind, Cents>>;
  readonly counts: { readonly users: number; readonly devices: Readonly<Record<DeviceBillingType, number>> };
  readonly labour: LabourFigures;
  readonly backup: BackupFigures;
  readonly counted: {
    readonly users: readonly string[];
    readonly devices: readonly string[];
    readonly timeEntries: readonly number[];
    readonly backupDevices: readonly string[];
    readonly lineItems: readonly number[];
  };
  readonly excluded: readonly Excluded[];
}

/** The labour computation, in hundredths of an hour where fractional (minutes are exact). */
export interface LabourFigures {
  readonly minutes: number;
  readonly prepaidMonthlyHours: string;
  readonly prepaidYearlyHours: string;
  readonly yearlyUsedBeforeHours: string;
  readonly yearlyLeftHours: string;
  readonly billableHours: string; // exact to the minute, printed with 4 places at most
  readonly chargeCents: Cents;
}

/** The backup computation. */
export interface BackupFigures {
  readonly workstations: number;
  readonly servers: number;
  readonly totalTb: string;
  readonly includedTb: string;
  readonly overageTb: string;
  readonly chargeCents: Cents;
}
