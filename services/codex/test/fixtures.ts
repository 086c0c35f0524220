/** Test data written straight to the database, so each test makes exactly what it needs. */
import {
  assetContacts,
  assets,
  billingPlans,
  companies,
  contactCompanies,
  contacts,
  locations,
  planFeatures,
  ticketConversations,
  tickets,
  timeEntries,
} from '../src/db/schema.js';
import type { CodexDb } from '../src/db/types.js';
import type { BillingType } from '../src/domain/billing-type.js';
import type { ContractTerm } from '../src/domain/contract.js';

export async function addCompany(
  db: CodexDb,
  values: {
    accountNumber: string;
    name: string;
    planName?: string | null;
    contractTerm?: ContractTerm | null;
    contractStart?: string | null;
    complianceLevel?: 'standard' | 'cjis' | 'hipaa';
    mainLocation?: string;
    description?: string;
    archived?: boolean;
  },
): Promise<number> {
  const [row] = await db
    .insert(companies)
    .values({
      accountNumber: values.accountNumber,
      name: values.name,
      planName: values.planName ?? null,
      contractTerm: values.contractTerm ?? null,
      contractStart: values.contractStart ?? null,
      complianceLevel: values.complianceLevel ?? 'standard',
      mainLocation: values.mainLocation ?? null,
      description: values.description ?? null,
      archivedAt: values.archived === true ? new Date('2026-01-01T00:00:00Z') : null,
    })
    .returning({ id: companies.id });
  if (row === undefined) throw new Error('no company');
  return row.id;
}

export async function addContact(
  db: CodexDb,
  values: { name: string; email: string | null; companyIds: number[]; active?: boolean; jobTitle?: string },
): Promise<number> {
  const [row] = await db
    .insert(contacts)
    .values({
      name: values.name,
      email: values.email,
      active: values.active ?? true,
      jobTitle: values.jobTitle ?? null,
    })
    .returning({ id: contacts.id });
  if (row === undefined) throw new Error('no contact');
  if (values.companyIds.length > 0)
    await db.insert(contactCompanies).values(values.companyIds.map((companyId) => ({ contactId: row.id, companyId })));
  return row.id;
}

export async function addAsset(
  db: CodexDb,
  values: {
    companyId: number;
    hostname: string;
    derived?: BillingType;
    override?: BillingType | null;
    online?: boolean;
    rmmDeviceType?: string;
    os?: string;
    contactIds?: number[];
    udfs?: Record<string, string>;
  },
): Promise<number> {
  const [row] = await db
    .insert(assets)
    .values({
      companyId: values.companyId,
      hostname: values.hostname,
      billingTypeDerived: values.derived ?? 'workstation',
      billingTypeOverride: values.override ?? null,
      online: values.online ?? true,
      rmmDeviceType: values.rmmDeviceType ?? null,
      operatingSystem: values.os ?? null,
      udfs: values.udfs ?? {},
    })
    .returning({ id: assets.id });
  if (row === undefined) throw new Error('no asset');
  for (const contactId of values.contactIds ?? [])
    await db.insert(assetContacts).values({ assetId: row.id, contactId });
  return row.id;
}

export async function addPlan(
  db: CodexDb,
  planName: string,
  term: ContractTerm,
  values: {
    perUserCents?: number;
    perWorkstationCents?: number;
    supportLevel?: 'Billed Hourly' | 'Unlimited';
    features?: Record<string, string>;
  } = {},
): Promise<number> {
  const [row] = await db
    .insert(billingPlans)
    .values({
      planName,
      term,
      perUserCents: values.perUserCents ?? 5000,
      perWorkstationCents: values.perWorkstationCents ?? 7500,
      supportLevel: values.supportLevel ?? 'Billed Hourly',
    })
    .returning({ id: billingPlans.id });
  if (row === undefined) throw new Error('no plan');
  for (const [featureKey, value] of Object.entries(values.features ?? {}))
    await db.insert(planFeatures).values({ planId: row.id, featureKey, value });
  return row.id;
}

export async function addLocation(db: CodexDb, companyId: number, name: string, address: string): Promise<void> {
  await db.insert(locations).values({ companyId, name, address });
}

export async function addTicket(
  db: CodexDb,
  values: {
    companyId: number | null;
    externalId: string;
    subject: string;
    status?: string;
    priority?: 'low' | 'medium' | 'high' | 'urgent';
    updatedAt?: Date;
    requesterName?: string;
    /** freshservice by default. */
    provider?: string;
  },
): Promise<number> {
  const updatedAt = values.updatedAt ?? new Date('2026-11-20T10:00:00Z');
  const [row] = await db
    .insert(tickets)
    .values({
      provider: values.provider ?? 'freshservice',
      externalId: values.externalId,
      companyId: values.companyId,
      ticketNumber: values.externalId,
      subject: values.subject,
      status: values.status ?? 'open',
      priority: values.priority ?? 'medium',
      requesterName: values.requesterName ?? null,
      createdAt: new Date('2026-11-01T09:00:00Z'),
      updatedAt,
    })
    .returning({ id: tickets.id });
  if (row === undefined) throw new Error('no ticket');
  return row.id;
}

export async function addConversation(
  db: CodexDb,
  ticketId: number,
  externalId: string,
  bodyText: string,
  isPrivate = false,
): Promise<void> {
  await db
    .insert(ticketConversations)
    .values({ ticketId, externalId, bodyText, private: isPrivate, createdAt: new Date('2026-11-02T09:00:00Z') });
}

export async function addTimeEntry(
  db: CodexDb,
  ticketId: number,
  values: {
    externalId: string;
    entryDate: string;
    minutes: number;
    billable?: boolean;
    agentName?: string;
    note?: string;
  },
): Promise<void> {
  await db.insert(timeEntries).values({
    ticketId,
    provider: 'freshservice',
    externalId: values.externalId,
    entryDate: values.entryDate,
    minutes: values.minutes,
    billable: values.billable ?? true,
    agentName: values.agentName ?? null,
    note: values.note ?? null,
  });
}
