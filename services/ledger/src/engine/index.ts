/** The billing engine's public surface: pure functions and their types. */
export { computeBill, NO_PLAN_FLAG, totalText } from './compute.js';
export { computeLabour, hoursText, isEarlierMonthOfPrepaidYear } from './labour.js';
export { computeBackup } from './backup.js';
export { DEVICE_LABEL, effectiveRates, ZERO_RATES } from './rates.js';
export { divRoundHalfUp, formatCents, formatMoney, toHundredths } from './money.js';
export type { Cents } from './money.js';
export {
  addMonths,
  dateInPeriod,
  lastDayOf,
  localDate,
  monthWindow,
  monthsBetween,
  parsePeriod,
  periodKey,
  prepaidYearStart,
} from './period.js';
export type { Period } from './period.js';
export type * from './types.js';
export { computeTotals } from './totals.js';
export type { BillTotals, DeviceGroup, TotalsInput } from './totals.js';
