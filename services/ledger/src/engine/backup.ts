/**
 * Backup: one invoice line. Each backed-up workstation adds the workstation base fee, each backed-up
 * server or virtual machine the server base fee; each of them brings the included TB; storage
 * beyond the included total is priced per TB, where TB = bytes / 1024⁴ rounded to two decimals (as
 * printed) before pricing. The original applied neither fees nor allowance (reference §3.9 item 2).
 */
import { divRoundHalfUp, formatHundredths, toHundredths, toSafeNumber } from './money.js';
import type { BackupFigures, BillableDevice, Rates } from './types.js';

const TIB = 1024n ** 4n;

/** What backup is priced from: backed-up workstations, servers (and VMs), and all backed-up bytes. */
export interface BackupUsage {
  readonly workstations: number;
  readonly servers: number;
  readonly bytes: bigint;
}

/** The backup figures for the counted devices, and the ids of the backed-up devices. */
export function computeBackup(
  devices: readonly BillableDevice[],
  rates: Rates,
): { figures: BackupFigures; counted: string[] } {
  let workstations = 0;
  let servers = 0;
  let bytes = 0n;
  const counted: string[] = [];
  for (const device of devices) {
    if (device.backupBytes <= 0) continue;
    counted.push(device.id);
    bytes += BigInt(Math.trunc(device.backupBytes));
    if (device.billingType === 'workstation') workstations += 1;
    else if (device.billingType === 'server' || device.billingType === 'virtual_machine') servers += 1;
  }
  return { figures: backupFigures({ workstations, servers, bytes }, rates), counted };
}

/** The backup figures of a usage: the one pricing rule, whether the devices are listed or summed. */
export function backupFigures(usage: BackupUsage, rates: Rates): BackupFigures {
  const { workstations, servers } = usage;
  const totalHundredths = toSafeNumber(divRoundHalfUp(usage.bytes * 100n, TIB));
  const includedHundredths = (workstations + servers) * Math.max(0, toHundredths(rates.backupIncludedTb));
  const overageHundredths = Math.max(0, totalHundredths - includedHundredths);
  const overageCents = toSafeNumber(divRoundHalfUp(BigInt(overageHundredths) * BigInt(rates.backupPerTb), 100n));
  const chargeCents = workstations * rates.backupBaseWorkstation + servers * rates.backupBaseServer + overageCents;
  return {
    workstations,
    servers,
    totalTb: formatHundredths(totalHundredths),
    includedTb: formatHundredths(includedHundredths),
    overageTb: formatHundredths(overageHundredths),
    chargeCents,
  };
}
