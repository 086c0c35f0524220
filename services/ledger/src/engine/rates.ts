/** Effective rates: the plan's prices, each replaced by the client's enabled override. */
import type { DeviceBillingType, Rates } from './types.js';

/** The plan's rates with every enabled override applied (overrides hold enabled values only). */
export function effectiveRates(plan: Rates, overrides: Partial<Rates>): Rates {
  const merged: Record<string, number> = { ...plan };
  for (const [key, value] of Object.entries(overrides)) {
    if (typeof value === 'number' && Number.isFinite(value) && key in merged) merged[key] = value;
  }
  return merged as unknown as Rates;
}

/** All-zero rates, used to trace a client that cannot be billed. */
export const ZERO_RATES: Rates = {
  perUser: 0,
  perWorkstation: 0,
  perServer: 0,
  perVirtualMachine: 0,
  perSwitch: 0,
  perFirewall: 0,
  perHour: 0,
  backupBaseWorkstation: 0,
  backupBaseServer: 0,
  backupPerTb: 0,
  backupIncludedTb: 0,
};

/** The per-device rate of a billing type (custom and not billed are handled by the caller). */
export function deviceRate(rates: Rates, type: Exclude<DeviceBillingType, 'custom'>): number {
  switch (type) {
    case 'workstation':
      return rates.perWorkstation;
    case 'server':
      return rates.perServer;
    case 'virtual_machine':
      return rates.perVirtualMachine;
    case 'switch':
      return rates.perSwitch;
    case 'firewall':
      return rates.perFirewall;
    case 'not_billed':
      return 0;
  }
}

/** How a device billing type is printed on an invoice. */
export const DEVICE_LABEL: Readonly<Record<DeviceBillingType, string>> = {
  workstation: 'Workstation',
  server: 'Server',
  virtual_machine: 'Virtual machine',
  switch: 'Switch',
  firewall: 'Firewall',
  not_billed: 'Not billed',
  custom: 'Custom',
};
