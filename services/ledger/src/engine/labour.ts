/**
 * Labour: the billable time entries dated in the month, less prepaid hours.
 *
 * The monthly prepaid hours cover the first hours of each month; the yearly prepaid hours cover
 * what exceeds the monthly allowance, drawn down month by month through the prepaid year:
 *   billable   = max(0, max(0, H − monthly) − yearlyLeft)
 *   yearlyLeft = max(0, yearly − Σ earlier months of the year max(0, H_m − monthly))
 * Work is done in centi-minutes (1/6000 h) so minutes and two-decimal hours are both exact.
 */
import { divRoundHalfUp, toHundredths, toSafeNumber } from './money.js';
import type { Cents } from './money.js';
import { addMonths, dateInPeriod, monthsBetween, parsePeriod, periodKey, prepaidYearStart } from './period.js';
import type { Period } from './period.js';
import type { LabourFigures, PriorMonth, TimeEntry } from './types.js';

const UNITS_PER_HOUR = 6000;

/** What labour is priced from besides the month's minutes. */
export interface LabourTerms {
  readonly period: Period;
  readonly contractStart: string | null;
  readonly prepaid: { readonly monthly: number; readonly yearly: number };
  readonly priorMonths: readonly PriorMonth[];
  readonly perHour: Cents;
}

/** The month's labour figures and the ids of the time entries counted. */
export function computeLabour(args: LabourTerms & { entries: readonly TimeEntry[] }): {
  figures: LabourFigures;
  counted: number[];
} {
  const counted = args.entries.filter(
    (entry) => entry.billable && entry.minutes > 0 && dateInPeriod(entry.entryDate, args.period),
  );
  const minutes = counted.reduce((sum, entry) => sum + entry.minutes, 0);
  return { figures: labourFigures(minutes, args), counted: counted.map((entry) => entry.id) };
}

/** The labour figures of a month's billable minutes: the one pricing rule, whether the entries are listed or summed. */
export function labourFigures(minutes: number, args: LabourTerms): LabourFigures {
  const monthlyUnits = Math.max(0, toHundredths(args.prepaid.monthly)) * 60;
  const yearlyUnits = Math.max(0, toHundredths(args.prepaid.yearly)) * 60;

  const yearStart = prepaidYearStart(args.period, args.contractStart);
  const before = monthsBetween(yearStart, args.period);
  const priorByMonth = new Map<string, number>();
  for (const prior of args.priorMonths)
    priorByMonth.set(prior.month, (priorByMonth.get(prior.month) ?? 0) + prior.billableMinutes);
  let usedUnits = 0;
  for (let i = 0; i < before; i += 1) {
    const key = periodKey(addMonths(yearStart, i));
    usedUnits += Math.max(0, (priorByMonth.get(key) ?? 0) * 100 - monthlyUnits);
  }
  const leftUnits = Math.max(0, yearlyUnits - usedUnits);
  const billableUnits = Math.max(0, Math.max(0, minutes * 100 - monthlyUnits) - leftUnits);
  const chargeCents = toSafeNumber(
    divRoundHalfUp(BigInt(billableUnits) * BigInt(args.perHour), BigInt(UNITS_PER_HOUR)),
  );
  return {
    minutes,
    prepaidMonthlyHours: hoursText(monthlyUnits),
    prepaidYearlyHours: hoursText(yearlyUnits),
    yearlyUsedBeforeHours: hoursText(usedUnits),
    yearlyLeftHours: hoursText(leftUnits),
    billableHours: hoursText(billableUnits),
    chargeCents,
  };
}

/** True when a `YYYY-MM` key names a month inside the prepaid year before `period` (for callers fetching history). */
export function isEarlierMonthOfPrepaidYear(month: string, period: Period, contractStart: string | null): boolean {
  const start = prepaidYearStart(period, contractStart);
  const candidate = parsePeriod(month);
  return monthsBetween(start, candidate) >= 0 && monthsBetween(candidate, period) > 0;
}

/**
 * Centi-minutes as hours with up to four decimals, trailing zeros trimmed to two (`13500` → `2.25`,
 * 100 → `0.0167`). Exact hours are never rounded for billing; this is only the printed quantity.
 */
export function hoursText(units: number): string {
  const tenThousandths = toSafeNumber(divRoundHalfUp(BigInt(units) * 10000n, BigInt(UNITS_PER_HOUR)));
  const whole = Math.trunc(tenThousandths / 10000);
  let fraction = String(tenThousandths % 10000).padStart(4, '0');
  while (fraction.length > 2 && fraction.endsWith('0')) fraction = fraction.slice(0, -1);
  return `${whole}.${fraction}`;
}
