/** Codex's model: value types, constants and pure functions (billing types, contracts, money, permissions, sync jobs, ticket statuses, time). */
export { checkAccountNumber } from './account-number.js';
export { planArchival } from './archival.js';
export type { KnownRecord } from './archival.js';
export {
  BILLING_TYPES,
  BILLING_TYPE_LABELS,
  deriveBillingType,
  describeRmmDeviceType,
  isBillingType,
} from './billing-type.js';
export type { BillingType } from './billing-type.js';
export { TERMS, normaliseTerm, pricingTerm } from './contract.js';
export type { ContractTerm } from './contract.js';
export {
  DEMO_ACCOUNT_PREFIX,
  DEMO_AGENTS,
  DEMO_COMPANIES,
  DEMO_PLANS,
  DEMO_PROVIDER,
  DEMO_TERMS,
  generateDemo,
} from './demo-data.js';
export {
  INTEGRATION_KINDS,
  SCHEDULE_CHOICES,
  integrationContext,
  integrationKeyring,
  jobsOf,
  parseIntegrationInput,
} from './integrations.js';
export type { Connection, IntegrationInput, IntegrationKind } from './integrations.js';
export { formatCents, parseDecimal2, parseMoney } from './money.js';
export { plainTextToHtml } from './note-html.js';
export { SERVICE_ACCESS, can, companyScope, inScope } from './permissions.js';
export type { Action, CompanyScope } from './permissions.js';
export { PRICE_FIELDS, plansFromCsv, plansToCsv } from './plans-csv.js';
export type { PlanRow, PriceField } from './plans-csv.js';
export { keyIdOf, keyringFrom, openWithKeyring, sealSecret, secretContext } from './secret-box.js';
export type { SecretKeyring } from './secret-box.js';
export { JOB_LABEL, PROVIDERS, SYNC_JOBS, isSyncJob } from './sync-jobs.js';
export type { ProviderName, SyncJobName } from './sync-jobs.js';
export {
  CLOSED_STATUSES,
  DISCARDED_STATUSES,
  PRIORITIES,
  freshserviceStatus,
  prioritySlug,
  statusSlug,
} from './ticket-status.js';
export { localDate, monthRange, parseDurationMinutes, toDate, toInstant } from './time.js';
