/** Server-side sorting of the dashboard's rows, by any column, ties broken by name then account. */
import type { dashboardRow } from './present.js';

export type DashboardRow = ReturnType<typeof dashboardRow>;

export const SORT_KEYS = [
  'name',
  'account',
  'plan',
  'users',
  'devices',
  'hours',
  'billable_hours',
  'total',
  'flags',
] as const;
export type SortKey = (typeof SORT_KEYS)[number];
export type SortDir = 'asc' | 'desc';

/** Devices counted on a row (every billing type). */
export const deviceCount = (row: DashboardRow): number => Object.values(row.devices).reduce((a, b) => a + b, 0);

/** Hundredths of a decimal string like "12.50" (hours), exact, for comparing. */
const hundredths = (text: string): number => Math.round(Number(text) * 100);

const COMPARE: Readonly<Record<SortKey, (a: DashboardRow, b: DashboardRow) => number>> = {
  name: (a, b) => a.name.localeCompare(b.name),
  account: (a, b) => a.account_number.localeCompare(b.account_number, undefined, { numeric: true }),
  plan: (a, b) => (a.plan_name ?? '').localeCompare(b.plan_name ?? ''),
  users: (a, b) => a.users - b.users,
  devices: (a, b) => deviceCount(a) - deviceCount(b),
  hours: (a, b) => hundredths(a.hours) - hundredths(b.hours),
  billable_hours: (a, b) => Number(a.billable_hours) - Number(b.billable_hours),
  total: (a, b) => a.total_cents - b.total_cents,
  flags: (a, b) => a.flags.length - b.flags.length || a.flags.join().localeCompare(b.flags.join()),
};

/** The rows sorted by `key` in `dir`; equal rows keep name order (ascending) whatever the direction. */
export function sortRows(rows: readonly DashboardRow[], key: SortKey, dir: SortDir): DashboardRow[] {
  const sign = dir === 'asc' ? 1 : -1;
  return [...rows].sort((a, b) => sign * COMPARE[key](a, b) || COMPARE.name(a, b) || COMPARE.account(a, b));
}
