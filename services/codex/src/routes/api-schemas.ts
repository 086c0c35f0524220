/**
 * The declared shapes of Codex's JSON answers (zod, also the source of the OpenAPI document) and
 * the presenters that turn database rows into them. Instants are ISO 8601 UTC strings, dates
 * `YYYY-MM-DD`, money integer cents. Plans, tickets and sync runs are in `api-schemas-ops.ts`.
 */
import { z } from 'zod';
import { BILLING_TYPES, TERMS } from '../domain/index.js';
import type { Asset, AssetWithCompany, CompanyWithPlan, ContactWithCompanies } from '../db/index.js';

const instant = z.string().describe('ISO 8601 instant, UTC');
const day = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/)
  .describe('calendar date');
const iso = (value: Date | null): string | null => value?.toISOString() ?? null;

/** `?page=&per_page=` with sane bounds. */
export const pagingQuery = {
  page: z.coerce.number().int().min(1).max(100_000).default(1),
  per_page: z.coerce.number().int().min(1).max(500).default(50),
};

/** A page of `item`. */
export function pageOf<T extends z.ZodType>(item: T) {
  return z.object({
    items: z.array(item),
    page: z.number().int(),
    per_page: z.number().int(),
    total: z.number().int(),
  });
}

export const companySchema = z.object({
  account_number: z.string(),
  name: z.string(),
  description: z.string().nullable(),
  compliance_level: z.enum(['standard', 'cjis', 'hipaa']),
  plan_name: z.string().nullable(),
  contract_term: z.enum(TERMS).nullable(),
  contract_start: day.nullable(),
  contract_end: day.nullable().describe('start + term - 1 day; null for month-to-month'),
  support_level: z
    .string()
    .nullable()
    .describe('from the plan (plan_name x contract_term, month-to-month when no term)'),
  domains: z.array(z.string()),
  main_location: z.string().nullable(),
  phone: z.string().nullable(),
  email_system: z.string().nullable(),
  phone_system: z.string().nullable(),
  managed_users: z.number().int().nullable(),
  managed_devices: z.number().int().nullable(),
  managed_network: z.number().int().nullable(),
  updated_at: instant,
  archived_at: instant.nullable(),
});

/** A company as the API shows it. */
export function presentCompany(company: CompanyWithPlan): z.infer<typeof companySchema> {
  return {
    account_number: company.accountNumber,
    name: company.name,
    description: company.description,
    compliance_level: company.complianceLevel,
    plan_name: company.planName,
    contract_term: company.contractTerm,
    contract_start: company.contractStart,
    contract_end: company.contractEnd,
    support_level: company.supportLevel,
    domains: company.domains,
    main_location: company.mainLocation,
    phone: company.phone,
    email_system: company.emailSystem,
    phone_system: company.phoneSystem,
    managed_users: company.managedUsers,
    managed_devices: company.managedDevices,
    managed_network: company.managedNetwork,
    updated_at: company.updatedAt.toISOString(),
    archived_at: iso(company.archivedAt),
  };
}

export const assetSchema = z.object({
  id: z.number().int(),
  account_number: z.string().nullable(),
  hostname: z.string(),
  hardware_type: z.string().nullable(),
  rmm_device_type: z.string().nullable(),
  billing_type: z.enum(BILLING_TYPES),
  billing_type_derived: z.enum(BILLING_TYPES),
  billing_type_override: z.enum(BILLING_TYPES).nullable(),
  operating_system: z.string().nullable(),
  int_ip: z.string().nullable(),
  ext_ip: z.string().nullable(),
  online: z.boolean(),
  last_seen: instant.nullable(),
  patch_status: z.string().nullable(),
  backup_usage_bytes: z.number().int().nullable(),
  backup_usage_tb: z.number().nullable().describe('bytes / 2^40, two decimals'),
  antivirus_product: z.string().nullable(),
  last_logged_in_user: z.string().nullable(),
  domain: z.string().nullable(),
  site_name: z.string().nullable(),
  description: z.string().nullable(),
  portal_url: z.string().nullable(),
  remote_url: z.string().nullable(),
  udfs: z.record(z.string(), z.string()),
  archived_at: instant.nullable(),
});

/** An asset as the API shows it (`accountNumber` when the row has no company join). */
export function presentAsset(asset: Asset | AssetWithCompany, accountNumber?: string): z.infer<typeof assetSchema> {
  const account = 'accountNumber' in asset ? asset.accountNumber : (accountNumber ?? null);
  return {
    id: asset.id,
    account_number: account,
    hostname: asset.hostname,
    hardware_type: asset.hardwareType,
    rmm_device_type: asset.rmmDeviceType,
    billing_type: asset.billingType ?? asset.billingTypeOverride ?? asset.billingTypeDerived,
    billing_type_derived: asset.billingTypeDerived,
    billing_type_override: asset.billingTypeOverride,
    operating_system: asset.operatingSystem,
    int_ip: asset.intIp,
    ext_ip: asset.extIp,
    online: asset.online,
    last_seen: iso(asset.lastSeen),
    patch_status: asset.patchStatus,
    backup_usage_bytes: asset.backupUsageBytes,
    backup_usage_tb:
      asset.backupUsageBytes === null ? null : Math.round((asset.backupUsageBytes / 2 ** 40) * 100) / 100,
    antivirus_product: asset.antivirusProduct,
    last_logged_in_user: asset.lastLoggedInUser,
    domain: asset.domain,
    site_name: asset.siteName,
    description: asset.description,
    portal_url: asset.portalUrl,
    remote_url: asset.remoteUrl,
    udfs: asset.udfs,
    archived_at: iso(asset.archivedAt),
  };
}

export const contactSchema = z.object({
  id: z.number().int(),
  name: z.string(),
  first_name: z.string().nullable(),
  last_name: z.string().nullable(),
  email: z.string().nullable(),
  active: z.boolean(),
  roles: z.array(z.string()),
  job_title: z.string().nullable(),
  mobile_phone: z.string().nullable(),
  work_phone: z.string().nullable(),
  vip: z.boolean(),
  companies: z.array(z.object({ account_number: z.string(), name: z.string() })),
  archived_at: instant.nullable(),
});

/** A contact as the API shows it, with its companies when known. */
export function presentContact(
  contact: Omit<ContactWithCompanies, 'companies'> & { companies?: ContactWithCompanies['companies'] },
): z.infer<typeof contactSchema> {
  return {
    id: contact.id,
    name: contact.name,
    first_name: contact.firstName,
    last_name: contact.lastName,
    email: contact.email,
    active: contact.active,
    roles: contact.roles,
    job_title: contact.jobTitle,
    mobile_phone: contact.mobilePhone,
    work_phone: contact.workPhone,
    vip: contact.vip,
    companies: (contact.companies ?? []).map((company) => ({
      account_number: company.accountNumber,
      name: company.name,
    })),
    archived_at: iso(contact.archivedAt),
  };
}

export * from './api-schemas-ops.js';
