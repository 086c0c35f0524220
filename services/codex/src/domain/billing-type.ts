/**
 * Billing types of assets, derived from what the RMM says a device is.
 *
 * The original never derived one, so every device was billed as a workstation (reference §3.9
 * item 1): servers at the workstation rate, switches and firewalls never counted, backup
 * allowances never applied. Here sync derives a type from the RMM device type, and a person's
 * override (a separate column sync never writes) wins over it.
 */
import { BILLING_TYPE_VALUES } from '../db/schema-master.js';

export const BILLING_TYPES = BILLING_TYPE_VALUES;
export type BillingType = (typeof BILLING_TYPES)[number];

/** What a person reads for each billing type. */
export const BILLING_TYPE_LABELS: Readonly<Record<BillingType, string>> = {
  workstation: 'Workstation',
  server: 'Server',
  virtual_machine: 'Virtual machine',
  switch: 'Switch',
  firewall: 'Firewall',
  not_billed: 'Not billed',
};

/** True when `value` is a billing type. */
export function isBillingType(value: unknown): value is BillingType {
  return typeof value === 'string' && (BILLING_TYPES as readonly string[]).includes(value);
}

/** What the RMM reports about a device's kind. */
export interface RmmDeviceKind {
  /** A type the MSP declared on the device (Datto keeps it in a UDF); wins when present. */
  declared?: string | null | undefined;
  /** The RMM's category ("Desktop", "Server", "ESXi Host", "Network Device"). */
  category?: string | null | undefined;
  /** The RMM's sub-type ("Firewall", "Switch", "Router"). */
  subtype?: string | null | undefined;
}

/**
 * The device type as people read it: the declared type, else "category / sub-type" (the
 * sub-type only when it adds something), else null.
 */
export function describeRmmDeviceType(kind: RmmDeviceKind): string | null {
  const declared = kind.declared?.trim();
  if (declared) return declared;
  const category = kind.category?.trim() ?? '';
  const subtype = kind.subtype?.trim() ?? '';
  if (category === '' && subtype === '') return null;
  if (category === '' || subtype === '' || category.toLowerCase() === subtype.toLowerCase()) return category || subtype;
  return `${category} / ${subtype}`;
}

/**
 * Rules in order; the first whose pattern matches the text wins. Virtual machines come before
 * servers ("Virtual Server" is a VM), firewalls before switches ("switch/firewall" appliances
 * are billed as the firewall they are).
 */
const RULES: readonly (readonly [RegExp, BillingType])[] = [
  [/\b(virtual|vm|vps|hyper-?v guest|guest os)\b/i, 'virtual_machine'],
  [/\b(firewall|utm|fortigate|sonicwall|pfsense|meraki mx|watchguard)\b/i, 'firewall'],
  [/\bswitch(es)?\b/i, 'switch'],
  [/\b(server|esxi|hypervisor|host|domain controller|nas)\b/i, 'server'],
  [/\b(desktop|laptop|notebook|workstation|pc|mac(book)?|imac|thin client|all-in-one)\b/i, 'workstation'],
  [/\b(printer|mobile|phone|tablet|router|access point|ups|camera|network device|unknown|other)\b/i, 'not_billed'],
];

function classify(text: string | null | undefined): BillingType | undefined {
  const value = text?.trim();
  if (!value) return undefined;
  return RULES.find(([pattern]) => pattern.test(value))?.[1];
}

/**
 * The billing type a device gets without an override: from the declared type if it says
 * anything we recognise, else from the sub-type, else the category; a device we cannot classify
 * at all is a workstation (the common case, and what a person most likely corrects).
 */
export function deriveBillingType(kind: RmmDeviceKind): BillingType {
  return classify(kind.declared) ?? classify(kind.subtype) ?? classify(kind.category) ?? 'workstation';
}

/** The type billing uses: the override when someone set one, else the derived type. */
export function effectiveBillingType(derived: BillingType, override: BillingType | null): BillingType {
  return override ?? derived;
}
