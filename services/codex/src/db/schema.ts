/** Drizzle table definitions, mirroring the committed SQL migrations in ./migrations. */
import * as master from './schema-master.js';
import * as platform from './schema-platform.js';
import * as integration from './schema-integrations.js';

export * from './schema-master.js';
export * from './schema-platform.js';
export * from './schema-integrations.js';

export const schema = {
  companies: master.companies,
  companyLinks: master.companyLinks,
  locations: master.locations,
  contacts: master.contacts,
  contactCompanies: master.contactCompanies,
  contactLinks: master.contactLinks,
  assets: master.assets,
  assetLinks: master.assetLinks,
  assetContacts: master.assetContacts,
  billingPlans: platform.billingPlans,
  featureCategories: platform.featureCategories,
  featureOptions: platform.featureOptions,
  planFeatures: platform.planFeatures,
  companyFeatureOverrides: platform.companyFeatureOverrides,
  psaAgents: platform.psaAgents,
  tickets: platform.tickets,
  ticketConversations: platform.ticketConversations,
  timeEntries: platform.timeEntries,
  userSettings: platform.userSettings,
  secrets: platform.secrets,
  auditEvents: platform.auditEvents,
  syncRuns: platform.syncRuns,
  syncSchedules: platform.syncSchedules,
  integrations: integration.integrations,
};
