/** Builders for engine inputs: a plain client with the reference's example plan (§3.5). */
import type { BillInput, BillableDevice, BillableUser, Rates } from '../../src/engine/index.js';

/** The example plan of reference §3.5 ("Basic Support", 1 Year), in cents. */
export const EXAMPLE_RATES: Rates = {
  perUser: 5000,
  perWorkstation: 7500,
  perServer: 15000,
  perVirtualMachine: 10000,
  perSwitch: 2500,
  perFirewall: 5000,
  perHour: 10000,
  backupBaseWorkstation: 2000,
  backupBaseServer: 4000,
  backupPerTb: 1500,
  backupIncludedTb: 1,
};

/** A bill input with nothing to bill, overridable field by field. */
export function baseInput(overrides: Partial<BillInput> = {}): BillInput {
  return {
    period: { year: 2025, month: 10 },
    client: { accountNumber: '620547', name: 'Acme', planName: 'Basic Support', term: '1 Year', contractStart: null },
    planRates: EXAMPLE_RATES,
    rateOverrides: {},
    prepaidHours: { monthly: 0, yearly: 0 },
    users: [],
    devices: [],
    timeEntries: [],
    priorMonths: [],
    lineItems: [],
    ...overrides,
  };
}

/** A codex contact, active, paid, not an agent. */
export function user(id: number, extra: Partial<BillableUser> = {}): BillableUser {
  return {
    id: `contact:${id}`,
    name: `User ${id}`,
    source: 'codex',
    active: true,
    isAgent: false,
    billingType: 'paid',
    customCents: null,
    ...extra,
  };
}

/** A codex asset, active, a workstation, not backed up. */
export function device(id: number, extra: Partial<BillableDevice> = {}): BillableDevice {
  return {
    id: `asset:${id}`,
    hostname: `HOST${id}`,
    source: 'codex',
    active: true,
    billingType: 'workstation',
    customCents: null,
    backupBytes: 0,
    ...extra,
  };
}

/** Bytes of `tb` terabytes (TiB, 1024⁴ bytes). */
export function tb(value: number): number {
  return Math.round(value * 1024 ** 4);
}
