/**
 * A month's bills: codex's data and ledger's overrides turned into the engine's input, one client's
 * bill or all of them, the override forms parsed and written, and the shapes the API and pages show.
 */
export { clientBill } from './client-bill.js';
export { deviceCount, SORT_KEYS, sortRows } from './dashboard-sort.js';
export type { DashboardRow, SortDir, SortKey } from './dashboard-sort.js';
export {
  addClientLineItem,
  addManualDevice,
  addManualUser,
  removeClientEntry,
  setDeviceBillingType,
  setUserBillingType,
  storedClientOverrides,
  updateClientOverrides,
} from './edit.js';
export type { Removable } from './edit.js';
export { billMonth, totalsMonth } from './month.js';
export type { ClientBill, ClientTotals } from './month.js';
export {
  DEVICE_TYPES,
  overridesOnly,
  parseDeviceTypeForm,
  parseLineItemForm,
  parseManualDeviceForm,
  parseManualUserForm,
  parsePlanForm,
  parsePrepaidForm,
  parseRatesForm,
  parseUserTypeForm,
  RATE_FIELDS,
  USER_TYPES,
} from './override-forms.js';
export type { Parsed } from './override-forms.js';
export { centsText } from './parse-input.js';
export { billDetail, dashboardRow } from './present.js';
export { billSummary } from './summary.js';
export type { BillSummary, SummaryFigures } from './summary.js';
