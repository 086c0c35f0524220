/** Drizzle table definitions, mirroring the committed SQL migrations in ./migrations. */
import {
  bigint,
  boolean,
  customType,
  integer,
  jsonb,
  numeric,
  pgTable,
  smallint,
  text,
  timestamp,
} from 'drizzle-orm/pg-core';

/** PostgreSQL bytea as a Node Buffer. */
const bytea = customType<{ data: Buffer; driverData: Buffer }>({ dataType: () => 'bytea' });

/** The CHECK lists of the billing_type columns (0001_ledger.sql): rows read back typed, without casts. */
export const USER_BILLING_TYPES = ['paid', 'free', 'custom'] as const;
export const DEVICE_BILLING_TYPES = [
  'workstation',
  'server',
  'virtual_machine',
  'switch',
  'firewall',
  'not_billed',
  'custom',
] as const;
/** The CHECK list of month_end_runs.status (0002_invoices_month_end.sql). */
export const MONTH_END_STATUSES = ['running', 'done', 'failed'] as const;

export const clientOverrides = pgTable('client_overrides', {
  accountNumber: text('account_number').primaryKey(),
  planName: text('plan_name'),
  rateOverrides: jsonb('rate_overrides').$type<Record<string, number>>().notNull(),
  prepaidHoursMonthly: numeric('prepaid_hours_monthly').notNull(),
  prepaidHoursYearly: numeric('prepaid_hours_yearly').notNull(),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
});

export const userOverrides = pgTable('user_overrides', {
  contactId: bigint('contact_id', { mode: 'number' }).primaryKey(),
  billingType: text('billing_type', { enum: USER_BILLING_TYPES }).notNull(),
  customCents: bigint('custom_cents', { mode: 'number' }),
});

export const deviceOverrides = pgTable('device_overrides', {
  assetId: bigint('asset_id', { mode: 'number' }).primaryKey(),
  billingType: text('billing_type', { enum: DEVICE_BILLING_TYPES }).notNull(),
  customCents: bigint('custom_cents', { mode: 'number' }),
});

export const manualUsers = pgTable('manual_users', {
  id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
  accountNumber: text('account_number').notNull(),
  fullName: text('full_name').notNull(),
  billingType: text('billing_type', { enum: USER_BILLING_TYPES }).notNull(),
  customCents: bigint('custom_cents', { mode: 'number' }),
  active: boolean('active').notNull().default(true),
});

export const manualDevices = pgTable('manual_devices', {
  id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
  accountNumber: text('account_number').notNull(),
  hostname: text('hostname').notNull(),
  billingType: text('billing_type', { enum: DEVICE_BILLING_TYPES }).notNull(),
  customCents: bigint('custom_cents', { mode: 'number' }),
  backupBytes: bigint('backup_bytes', { mode: 'number' }).notNull().default(0),
  active: boolean('active').notNull().default(true),
});

export const lineItems = pgTable('line_items', {
  id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
  accountNumber: text('account_number').notNull(),
  name: text('name').notNull(),
  recurringCents: bigint('recurring_cents', { mode: 'number' }),
  firstMonth: text('first_month'),
  lastMonth: text('last_month'),
  oneOffCents: bigint('one_off_cents', { mode: 'number' }),
  oneOffMonth: text('one_off_month'),
  yearlyCents: bigint('yearly_cents', { mode: 'number' }),
  yearlyMonth: smallint('yearly_month'),
});

export const snapshots = pgTable('snapshots', {
  id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
  accountNumber: text('account_number').notNull(),
  companyName: text('company_name').notNull(),
  period: text('period').notNull(),
  version: integer('version').notNull(),
  invoiceNumber: text('invoice_number').notNull(),
  supersedesId: bigint('supersedes_id', { mode: 'number' }),
  totalCents: bigint('total_cents', { mode: 'number' }).notNull(),
  inputs: jsonb('inputs').notNull(),
  result: jsonb('result').notNull(),
  csv: text('csv').notNull(),
  sha256: text('sha256').notNull(),
  acceptedBy: text('accepted_by').notNull(),
  acceptedAt: timestamp('accepted_at', { withTimezone: true }).notNull(),
  notes: text('notes'),
  pdf: bytea('pdf'),
  hashScheme: smallint('hash_scheme').notNull().default(1),
});

export const creditNotes = pgTable('credit_notes', {
  id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
  number: text('number').notNull(),
  creditsId: bigint('credits_id', { mode: 'number' }).notNull(),
  reissueId: bigint('reissue_id', { mode: 'number' }).notNull(),
  accountNumber: text('account_number').notNull(),
  companyName: text('company_name').notNull(),
  period: text('period').notNull(),
  totalCents: bigint('total_cents', { mode: 'number' }).notNull(),
  issuedOn: text('issued_on').notNull(),
  reason: text('reason').notNull(),
  csv: text('csv').notNull(),
  pdf: bytea('pdf').notNull(),
  sha256: text('sha256').notNull(),
  issuedBy: text('issued_by').notNull(),
  issuedAt: timestamp('issued_at', { withTimezone: true }).notNull(),
});

export const monthEndRuns = pgTable('month_end_runs', {
  id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
  period: text('period').notNull(),
  status: text('status', { enum: MONTH_END_STATUSES }).notNull(),
  triggeredBy: text('triggered_by').notNull(),
  forced: boolean('forced').notNull().default(false),
  startedAt: timestamp('started_at', { withTimezone: true }).notNull(),
  finishedAt: timestamp('finished_at', { withTimezone: true }),
  report: jsonb('report'),
  error: text('error'),
});

export const schema = {
  clientOverrides,
  userOverrides,
  deviceOverrides,
  manualUsers,
  manualDevices,
  lineItems,
  snapshots,
  creditNotes,
  monthEndRuns,
};
export type MonthEndRun = typeof monthEndRuns.$inferSelect;
export type Snapshot = typeof snapshots.$inferSelect;
export type CreditNote = typeof creditNotes.$inferSelect;
