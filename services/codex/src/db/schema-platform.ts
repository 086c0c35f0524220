/** Drizzle tables of migration 0002 (plans, features, tickets, settings, secrets, audit, sync). */
import {
  bigint,
  boolean,
  customType,
  date,
  integer,
  jsonb,
  numeric,
  pgTable,
  primaryKey,
  text,
  timestamp,
  unique,
} from 'drizzle-orm/pg-core';
import { companies, assets } from './schema-master.js';

/** A vendor record a sync could not store: what it was, its name, and why. */
export interface SkippedRecord {
  collection: string;
  externalId: string;
  name: string;
  reason: string;
}

const tsz = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' });
const id = () => bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity();
const ref = (name: string) => bigint(name, { mode: 'number' });

/** PostgreSQL `bytea` as a Node Buffer (drizzle has no built-in bytea column). */
const bytea = customType<{ data: Buffer; driverData: Buffer }>({ dataType: () => 'bytea' });

export const TERMS = ['Month to Month', '1 Year', '2 Year', '3 Year'] as const;
export const SUPPORT_LEVELS = ['Billed Hourly', 'Unlimited'] as const;

export const billingPlans = pgTable(
  'billing_plans',
  {
    id: id(),
    planName: text('plan_name').notNull(),
    term: text('term', { enum: TERMS }).notNull(),
    supportLevel: text('support_level', { enum: SUPPORT_LEVELS }).notNull().default('Billed Hourly'),
    perUserCents: integer('per_user_cents').notNull().default(0),
    perWorkstationCents: integer('per_workstation_cents').notNull().default(0),
    perServerCents: integer('per_server_cents').notNull().default(0),
    perVmCents: integer('per_vm_cents').notNull().default(0),
    perSwitchCents: integer('per_switch_cents').notNull().default(0),
    perFirewallCents: integer('per_firewall_cents').notNull().default(0),
    perHourCents: integer('per_hour_cents').notNull().default(0),
    backupBaseWorkstationCents: integer('backup_base_workstation_cents').notNull().default(0),
    backupBaseServerCents: integer('backup_base_server_cents').notNull().default(0),
    backupIncludedTb: numeric('backup_included_tb', { precision: 12, scale: 2 }).notNull().default('1.00'),
    backupPerTbCents: integer('backup_per_tb_cents').notNull().default(0),
    /** Created by the demo loader (migration 0004); only these are removed with the demo. */
    demo: boolean('demo').notNull().default(false),
    createdAt: tsz('created_at').notNull().defaultNow(),
    updatedAt: tsz('updated_at').notNull().defaultNow(),
  },
  (t) => [unique().on(t.planName, t.term)],
);

export const featureCategories = pgTable('feature_categories', {
  key: text('key').primaryKey(),
  displayName: text('display_name').notNull(),
  position: integer('position').notNull().default(0),
});

export const featureOptions = pgTable(
  'feature_options',
  {
    id: id(),
    category: text('category')
      .notNull()
      .references(() => featureCategories.key, { onDelete: 'cascade' }),
    value: text('value').notNull(),
    description: text('description'),
  },
  (t) => [unique().on(t.category, t.value)],
);

export const planFeatures = pgTable(
  'plan_features',
  {
    planId: ref('plan_id')
      .notNull()
      .references(() => billingPlans.id, { onDelete: 'cascade' }),
    featureKey: text('feature_key')
      .notNull()
      .references(() => featureCategories.key, { onDelete: 'cascade' }),
    value: text('value').notNull(),
  },
  (t) => [primaryKey({ columns: [t.planId, t.featureKey] })],
);

export const companyFeatureOverrides = pgTable(
  'company_feature_overrides',
  {
    companyId: ref('company_id')
      .notNull()
      .references(() => companies.id, { onDelete: 'cascade' }),
    featureKey: text('feature_key')
      .notNull()
      .references(() => featureCategories.key, { onDelete: 'cascade' }),
    value: text('value').notNull(),
  },
  (t) => [primaryKey({ columns: [t.companyId, t.featureKey] })],
);

export const psaAgents = pgTable(
  'psa_agents',
  {
    id: id(),
    provider: text('provider').notNull(),
    externalId: text('external_id').notNull(),
    name: text('name').notNull(),
    email: text('email'),
    jobTitle: text('job_title'),
    active: boolean('active').notNull().default(true),
    updatedAt: tsz('updated_at').notNull().defaultNow(),
    archivedAt: tsz('archived_at'),
  },
  (t) => [unique().on(t.provider, t.externalId)],
);

export const TICKET_PRIORITIES = ['low', 'medium', 'high', 'urgent'] as const;

export const tickets = pgTable(
  'tickets',
  {
    id: id(),
    provider: text('provider').notNull(),
    externalId: text('external_id').notNull(),
    companyId: ref('company_id').references(() => companies.id, { onDelete: 'set null' }),
    ticketNumber: text('ticket_number').notNull(),
    subject: text('subject').notNull().default(''),
    descriptionText: text('description_text'),
    status: text('status').notNull(),
    statusId: integer('status_id'),
    priority: text('priority', { enum: TICKET_PRIORITIES }).notNull().default('medium'),
    priorityId: integer('priority_id'),
    ticketType: text('ticket_type'),
    requesterName: text('requester_name'),
    requesterEmail: text('requester_email'),
    requesterExternalId: text('requester_external_id'),
    responderExternalId: text('responder_external_id'),
    groupExternalId: text('group_external_id'),
    workspaceId: text('workspace_id'),
    workspaceName: text('workspace_name'),
    /** Why the ticket is archived, when the PSA deleted it or marked it spam. */
    discardedAs: text('discarded_as', { enum: ['deleted', 'spam'] }),
    createdAt: tsz('created_at').notNull(),
    updatedAt: tsz('updated_at').notNull(),
    closedAt: tsz('closed_at'),
    dueBy: tsz('due_by'),
    frDueBy: tsz('fr_due_by'),
    firstRespondedAt: tsz('first_responded_at'),
    syncedAt: tsz('synced_at').notNull().defaultNow(),
    archivedAt: tsz('archived_at'),
  },
  (t) => [unique().on(t.provider, t.externalId)],
);

export const ticketConversations = pgTable(
  'ticket_conversations',
  {
    id: id(),
    ticketId: ref('ticket_id')
      .notNull()
      .references(() => tickets.id, { onDelete: 'cascade' }),
    // Null for a note written in codex to a ticket without a PSA (migration 0007).
    externalId: text('external_id'),
    bodyText: text('body_text').notNull().default(''),
    private: boolean('private').notNull().default(false),
    incoming: boolean('incoming').notNull().default(false),
    fromEmail: text('from_email'),
    createdAt: tsz('created_at').notNull(),
  },
  (t) => [unique().on(t.ticketId, t.externalId)],
);

export const timeEntries = pgTable(
  'time_entries',
  {
    id: id(),
    ticketId: ref('ticket_id')
      .notNull()
      .references(() => tickets.id, { onDelete: 'cascade' }),
    provider: text('provider').notNull(),
    externalId: text('external_id').notNull(),
    entryDate: date('entry_date', { mode: 'string' }).notNull(),
    minutes: integer('minutes').notNull(),
    billable: boolean('billable').notNull().default(true),
    agentExternalId: text('agent_external_id'),
    agentName: text('agent_name'),
    note: text('note'),
    updatedAt: tsz('updated_at').notNull().defaultNow(),
    archivedAt: tsz('archived_at'),
  },
  (t) => [unique().on(t.provider, t.externalId)],
);

export const THEMES = ['light', 'dark'] as const;
/** The gateway's accent palettes (nexus `compose/appearance.ts`). */
export const ACCENTS = [
  'purple',
  'blue',
  'green',
  'teal',
  'orange',
  'red',
  'pink',
  'gold',
  'yellow',
  'bee',
  'matrix',
] as const;
export const HOME_PAGES = [
  'home',
  'beacon',
  'knowledgetree',
  'brainhair',
  'codex',
  'ledger',
  'archive',
  'helm',
] as const;

export const userSettings = pgTable('user_settings', {
  userSub: text('user_sub').primaryKey(),
  theme: text('theme', { enum: THEMES }).notNull().default('light'),
  accent: text('accent', { enum: ACCENTS }).notNull().default('purple'),
  homePage: text('home_page', { enum: HOME_PAGES }).notNull().default('home'),
  updatedAt: tsz('updated_at').notNull().defaultNow(),
});

export const secrets = pgTable(
  'secrets',
  {
    id: id(),
    assetId: ref('asset_id')
      .notNull()
      .references(() => assets.id, { onDelete: 'cascade' }),
    kind: text('kind').notNull(),
    iv: bytea('iv').notNull(),
    tag: bytea('tag').notNull(),
    ciphertext: bytea('ciphertext').notNull(),
    /** Which key sealed it (`keyId` of secret-box); null before key rotation existed. */
    keyId: text('key_id'),
    updatedAt: tsz('updated_at').notNull().defaultNow(),
  },
  (t) => [unique().on(t.assetId, t.kind)],
);

export const auditEvents = pgTable('audit_events', {
  id: id(),
  at: tsz('at').notNull().defaultNow(),
  actorSub: text('actor_sub').notNull(),
  actorName: text('actor_name').notNull(),
  action: text('action').notNull(),
  entity: text('entity').notNull(),
  entityId: text('entity_id').notNull(),
  detail: jsonb('detail').$type<Record<string, unknown>>().notNull().default({}),
});

export const SYNC_STATUSES = ['running', 'succeeded', 'partial', 'failed'] as const;

export const syncRuns = pgTable('sync_runs', {
  id: id(),
  job: text('job').notNull(),
  trigger: text('trigger', { enum: ['schedule', 'manual'] }).notNull(),
  requestedBy: text('requested_by'),
  status: text('status', { enum: SYNC_STATUSES }).notNull(),
  startedAt: tsz('started_at').notNull(),
  heartbeatAt: tsz('heartbeat_at').notNull(),
  finishedAt: tsz('finished_at'),
  phase: text('phase'),
  fetched: integer('fetched').notNull().default(0),
  created: integer('created').notNull().default(0),
  updated: integer('updated').notNull().default(0),
  archived: integer('archived').notNull().default(0),
  errors: jsonb('errors').$type<string[]>().notNull().default([]),
  warnings: jsonb('warnings').$type<string[]>().notNull().default([]),
  /** Records the run could not store, each with its name and why. */
  skipped: jsonb('skipped').$type<SkippedRecord[]>().notNull().default([]),
});

export const syncSchedules = pgTable('sync_schedules', {
  job: text('job').primaryKey(),
  paused: boolean('paused').notNull().default(false),
  updatedBy: text('updated_by'),
  updatedAt: tsz('updated_at').notNull().defaultNow(),
});

export type BillingPlan = typeof billingPlans.$inferSelect;
export type Ticket = typeof tickets.$inferSelect;
export type TimeEntry = typeof timeEntries.$inferSelect;
export type SyncRun = typeof syncRuns.$inferSelect;
export type UserSettings = typeof userSettings.$inferSelect;
