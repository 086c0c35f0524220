/**
 * Codex's queries and tables: companies, contacts, assets, plans, tickets, integrations, sync runs,
 * settings, audit, the month's billing reads for ledger, demo data and seeding.
 */
export { ASSET_SORTS, findAsset, listAssets, setBillingOverride } from './assets.js';
export type { AssetDetail, AssetWithCompany } from './assets.js';
export { auditOf, recordAudit } from './audit.js';
export type { Actor } from './audit.js';
export { agentEmails, billingMonthPage, planCatalogue } from './billing-month.js';
export type { MonthCompany } from './billing-month.js';
export { billingTotalsPage } from './billing-totals.js';
export {
  COMPANY_SORTS,
  companyIdsForEmail,
  findCompany,
  listCompanies,
  planNames,
  updateCompanyDetails,
  updateCompanyPlan,
} from './companies.js';
export type { CompanyDetailsPatch, CompanyWithPlan } from './companies.js';
export {
  addLocation,
  bulkCompanies,
  deleteLocation,
  effectiveFeatures,
  locationsOf,
  setFeatureOverrides,
} from './company-parts.js';
export type { EffectiveFeature } from './company-parts.js';
export { contactsOfCompanies, findContact, listContacts, updateContact } from './contacts.js';
export type { ContactWithCompanies } from './contacts.js';
export { dashboardCounts } from './dashboard.js';
export type { DashboardCounts } from './dashboard.js';
export { demoStatus, loadDemo, removeDemo } from './demo.js';
export {
  hasIntegration,
  listIntegrations,
  openIntegrations,
  recordConnectionTest,
  removeIntegration,
  saveIntegration,
} from './integrations.js';
export type { IntegrationSummary } from './integrations.js';
export {
  addFeatureCategory,
  addFeatureOption,
  createPlan,
  featureCatalogue,
  findPlan,
  findPlanById,
  listPlans,
  plansAsRows,
  pricesOf,
  updatePlan,
  upsertPlans,
} from './plans.js';
export type { FeatureCategory, PlanPatch, PlanWithFeatures } from './plans.js';
export type { Page } from './query-helpers.js';
export {
  ACCENTS,
  HOME_PAGES,
  THEMES,
  assetLinks,
  assets,
  companies,
  companyLinks,
  contactCompanies,
  contactLinks,
  contacts,
  psaAgents,
  schema,
  ticketConversations,
  tickets,
  timeEntries,
} from './schema.js';
export type {
  Asset,
  BillingPlan,
  Contact,
  Location,
  SkippedRecord,
  SyncRun,
  TimeEntry,
  UserSettings,
} from './schema.js';
export { resealSecrets, revealSecret, storeSecret } from './secrets.js';
export { seedDatabase, seededRandom } from './seed.js';
export { saveSettings, settingsOf } from './settings.js';
export {
  createRun,
  failStaleRuns,
  findRun,
  finishRun,
  lastRun,
  listRuns,
  pausedJobs,
  recordProgress,
  setPaused,
} from './sync-runs.js';
export type { RunCounts } from './sync-runs.js';
export {
  activeTickets,
  discardedTicketIds,
  findTicket,
  listTickets,
  ticketsChangedSince,
  ticketsFingerprint,
  ticketsOfCompany,
  timeEntriesForMonth,
  timeTotalsForMonth,
} from './tickets.js';
export type { MonthEntry, TicketWithCompany } from './tickets.js';
export { storeTicketNote } from './ticket-notes.js';
export type { NewTicketNote } from './ticket-notes.js';
export type { CodexDb } from './types.js';
