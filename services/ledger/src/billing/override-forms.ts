/**
 * What each override form on a client's page means, parsed field by field into the values ledger
 * stores, with one message per bad field so the page can show them next to the inputs. Pure.
 */
import type { DeviceBillingType, Rates, UserBillingType } from '../engine/index.js';
import { parseDecimal2, parseMoneyCents } from './parse-input.js';

type Values = Readonly<Record<string, string>>;
export type FieldErrors = Record<string, string>;
export type Parsed<T> = { ok: true; value: T } | { ok: false; errors: FieldErrors };

/** The rate fields of the rates form, in the order shown; an empty field means "the plan's rate". */
export const RATE_FIELDS: readonly { key: keyof Rates; name: string; label: string; unit: 'money' | 'tb' }[] = [
  { key: 'perUser', name: 'per_user', label: 'Per-user rate', unit: 'money' },
  { key: 'perWorkstation', name: 'per_workstation', label: 'Per-workstation rate', unit: 'money' },
  { key: 'perServer', name: 'per_server', label: 'Per-server rate', unit: 'money' },
  { key: 'perVirtualMachine', name: 'per_vm', label: 'Per-VM rate', unit: 'money' },
  { key: 'perSwitch', name: 'per_switch', label: 'Per-switch rate', unit: 'money' },
  { key: 'perFirewall', name: 'per_firewall', label: 'Per-firewall rate', unit: 'money' },
  { key: 'perHour', name: 'per_hour', label: 'Per-hour rate', unit: 'money' },
  {
    key: 'backupBaseWorkstation',
    name: 'backup_base_workstation',
    label: 'Backup base fee per workstation',
    unit: 'money',
  },
  { key: 'backupBaseServer', name: 'backup_base_server', label: 'Backup base fee per server or VM', unit: 'money' },
  { key: 'backupPerTb', name: 'backup_per_tb', label: 'Backup fee per TB over the included', unit: 'money' },
  { key: 'backupIncludedTb', name: 'backup_included_tb', label: 'Backup TB included per device', unit: 'tb' },
];

export const USER_TYPES: readonly UserBillingType[] = ['paid', 'free', 'custom'];
export const DEVICE_TYPES: readonly DeviceBillingType[] = [
  'workstation',
  'server',
  'virtual_machine',
  'switch',
  'firewall',
  'not_billed',
  'custom',
];
export const LINE_ITEM_KINDS = ['recurring', 'one_off', 'yearly'] as const;

const MONEY_ERROR = 'Enter an amount like 125.00 (no sign, at most two decimals, up to 1000000.00).';
const MONTH = /^\d{4}-(0[1-9]|1[0-2])$/;

function result<T>(errors: FieldErrors, value: () => T): Parsed<T> {
  return Object.keys(errors).length > 0 ? { ok: false, errors } : { ok: true, value: value() };
}

function text(values: Values, name: string): string {
  return values[name]?.trim() ?? '';
}

/** The rates form: each filled field is a rate; an empty one falls back to the plan. */
export function parseRatesForm(values: Values): Parsed<Partial<Record<keyof Rates, number>>> {
  const errors: FieldErrors = {};
  const rates: Partial<Record<keyof Rates, number>> = {};
  for (const field of RATE_FIELDS) {
    const raw = text(values, field.name);
    if (raw === '') continue;
    const parsed = field.unit === 'money' ? parseMoneyCents(raw) : parseDecimal2(raw, 10_000);
    if (parsed === undefined)
      errors[field.name] =
        field.unit === 'money' ? MONEY_ERROR : 'Enter terabytes with at most two decimals, like 1.5.';
    else rates[field.key] = parsed;
  }
  return result(errors, () => rates);
}

/**
 * The rates that differ from the plan's: the form shows the effective rates, so a rate left at the
 * plan's value stays the plan's (and follows the plan when its prices change). Without a plan every
 * rate given is kept.
 */
export function overridesOnly(rates: Partial<Record<keyof Rates, number>>, plan: Rates | null): Record<string, number> {
  const kept: Record<string, number> = {};
  for (const [key, value] of Object.entries(rates)) {
    if (value !== undefined && (plan === null || plan[key as keyof Rates] !== value)) kept[key] = value;
  }
  return kept;
}

/** The plan form: a plan name replaces codex's; empty means codex's plan. */
export function parsePlanForm(values: Values): Parsed<{ planName: string | null }> {
  const name = text(values, 'plan_name');
  const errors: FieldErrors = name.length > 100 ? { plan_name: 'A plan name has at most 100 characters.' } : {};
  return result(errors, () => ({ planName: name === '' ? null : name }));
}

/** The prepaid hours form (empty means 0). */
export function parsePrepaidForm(values: Values): Parsed<{ monthly: number; yearly: number }> {
  const errors: FieldErrors = {};
  const hours = (name: string): number => {
    const raw = text(values, name);
    const parsed = raw === '' ? 0 : parseDecimal2(raw, 100_000);
    if (parsed === undefined) {
      errors[name] = 'Enter hours with at most two decimals, like 2.5.';
      return 0;
    }
    return parsed;
  };
  const monthly = hours('prepaid_monthly');
  const yearly = hours('prepaid_yearly');
  return result(errors, () => ({ monthly, yearly }));
}

/** A billing type and, for custom, its amount (`custom_amount`); `default` drops the override. */
function parseType<T extends string>(
  values: Values,
  allowed: readonly T[],
  allowDefault: boolean,
): Parsed<{ billingType: T | null; customCents: number | null }> {
  const errors: FieldErrors = {};
  const type = text(values, 'billing_type');
  const amount = text(values, 'custom_amount');
  let billingType: T | null = null;
  if (allowDefault && type === 'default') billingType = null;
  else if ((allowed as readonly string[]).includes(type)) billingType = type as T;
  else errors.billing_type = 'Choose a billing type.';
  let customCents: number | null = null;
  if (billingType === 'custom') {
    const cents = parseMoneyCents(amount);
    if (cents === undefined)
      errors.custom_amount = amount === '' ? 'A custom billing type needs its amount.' : MONEY_ERROR;
    else customCents = cents;
  } else if (amount !== '' && errors.billing_type === undefined) {
    errors.custom_amount = 'An amount is only for the custom billing type.';
  }
  return result(errors, () => ({ billingType, customCents }));
}

/** A codex contact's billing type (`default` = paid, as codex gives it). */
export const parseUserTypeForm = (values: Values) => parseType(values, USER_TYPES, true);
/** A codex asset's billing type (`default` = the type codex derived from the RMM). */
export const parseDeviceTypeForm = (values: Values) => parseType(values, DEVICE_TYPES, true);

function requiredName(values: Values, name: string, max: number, errors: FieldErrors): string {
  const value = text(values, name);
  if (value === '' || value.length > max) errors[name] = `Enter a name of 1 to ${max} characters.`;
  return value;
}

/** A manual user: name and billing type. */
export function parseManualUserForm(
  values: Values,
): Parsed<{ fullName: string; billingType: UserBillingType; customCents: number | null }> {
  const errors: FieldErrors = {};
  const fullName = requiredName(values, 'full_name', 200, errors);
  const type = parseType(values, USER_TYPES, false);
  if (!type.ok) Object.assign(errors, type.errors);
  return result(errors, () => ({
    fullName,
    billingType: (type.ok ? type.value.billingType : 'paid') ?? 'paid',
    customCents: type.ok ? type.value.customCents : null,
  }));
}

/** A manual device: hostname, billing type and the backup it uses (TB, optional). */
export function parseManualDeviceForm(
  values: Values,
): Parsed<{ hostname: string; billingType: DeviceBillingType; customCents: number | null; backupBytes: number }> {
  const errors: FieldErrors = {};
  const hostname = requiredName(values, 'hostname', 200, errors);
  const type = parseType(values, DEVICE_TYPES, false);
  if (!type.ok) Object.assign(errors, type.errors);
  const rawTb = text(values, 'backup_tb');
  const tb = rawTb === '' ? 0 : parseDecimal2(rawTb, 10_000);
  if (tb === undefined) errors.backup_tb = 'Enter terabytes with at most two decimals, like 0.5.';
  return result(errors, () => ({
    hostname,
    billingType: (type.ok ? type.value.billingType : 'workstation') ?? 'workstation',
    customCents: type.ok ? type.value.customCents : null,
    // Hundredths of a TB to bytes (TB = 1024⁴ bytes), so the engine's rounding gives the typed value back.
    backupBytes: Math.round((Math.round((tb ?? 0) * 100) * 1024 ** 4) / 100),
  }));
}

/** A line item as stored: one kind of fee per form (the JSON API may combine several). */
export interface LineItemValues {
  name: string;
  recurringCents: number | null;
  firstMonth: string | null;
  lastMonth: string | null;
  oneOffCents: number | null;
  oneOffMonth: string | null;
  yearlyCents: number | null;
  yearlyMonth: number | null;
}

/** A line item: name, kind, amount and its months. */
export function parseLineItemForm(values: Values): Parsed<LineItemValues> {
  const errors: FieldErrors = {};
  const name = requiredName(values, 'name', 150, errors);
  const kind = text(values, 'kind');
  if (!(LINE_ITEM_KINDS as readonly string[]).includes(kind)) errors.kind = 'Choose recurring, one-off or yearly.';
  const cents = parseMoneyCents(text(values, 'amount'));
  if (cents === undefined) errors.amount = MONEY_ERROR;
  const month = (field: string, required: boolean): string | null => {
    const raw = text(values, field);
    if (raw === '' && !required) return null;
    if (!MONTH.test(raw)) {
      errors[field] = 'Enter a month as YYYY-MM.';
      return null;
    }
    return raw;
  };
  const item: LineItemValues = {
    name,
    recurringCents: null,
    firstMonth: null,
    lastMonth: null,
    oneOffCents: null,
    oneOffMonth: null,
    yearlyCents: null,
    yearlyMonth: null,
  };
  if (kind === 'recurring') {
    item.recurringCents = cents ?? null;
    item.firstMonth = month('first_month', false);
    item.lastMonth = month('last_month', false);
    if (item.firstMonth !== null && item.lastMonth !== null && item.firstMonth > item.lastMonth)
      errors.last_month = 'The last month is before the first.';
  } else if (kind === 'one_off') {
    item.oneOffCents = cents ?? null;
    item.oneOffMonth = month('one_off_month', true);
  } else if (kind === 'yearly') {
    item.yearlyCents = cents ?? null;
    const raw = text(values, 'yearly_month');
    const number = /^\d{1,2}$/.test(raw) ? Number(raw) : NaN;
    if (!(number >= 1 && number <= 12)) errors.yearly_month = 'Choose the month of the year it is billed.';
    else item.yearlyMonth = number;
  }
  return result(errors, () => item);
}
