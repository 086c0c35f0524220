/** `/api/companies…`: companies for people and the services that read them. */
import type { FastifyPluginAsync } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { AppError } from '@hivematrix/sdk';
import {
  addLocation,
  bulkCompanies,
  COMPANY_SORTS,
  deleteLocation,
  effectiveFeatures,
  findCompany,
  listCompanies,
  locationsOf,
} from '../../db/index.js';
import type { CodexDb, CompanyWithPlan } from '../../db/index.js';
import { SERVICE_ACCESS } from '../../domain/index.js';
import { actorOf, allow, assertVisible, scopeOf } from '../access.js';
import {
  assetSchema,
  companySchema,
  contactSchema,
  pageOf,
  pagingQuery,
  presentAsset,
  presentCompany,
  presentContact,
} from '../api-schemas.js';
import { changeFeatures, changePlan, editDetails } from './actions.js';

const listQuery = z.object({
  q: z.string().trim().max(200).optional(),
  sort: z.enum(COMPANY_SORTS).default('name'),
  dir: z.enum(['asc', 'desc']).default('asc'),
  archived: z.enum(['active', 'archived', 'all']).default('active'),
  ...pagingQuery,
});
const accountParams = z.object({ account: z.string().min(1).max(50) });
const locationSchema = z.object({
  id: z.number().int(),
  name: z.string(),
  address: z.string(),
  phone: z.string().nullable(),
});
const featureSchema = z.object({
  key: z.string(),
  display_name: z.string(),
  plan_value: z.string().nullable(),
  override: z.string().nullable(),
  value: z.string(),
  source: z.enum(['plan', 'override', 'none']),
});
const detailSchema = z.object({
  company: companySchema,
  locations: z.array(locationSchema),
  features: z.array(featureSchema),
});
const nullableText = (max: number) =>
  z
    .string()
    .trim()
    .max(max)
    .nullable()
    .transform((value) => (value === '' ? null : value));
const detailsBody = z
  .object({
    description: nullableText(5000),
    compliance_level: z.enum(['standard', 'cjis', 'hipaa']),
    domains: z
      .array(
        z
          .string()
          .trim()
          .toLowerCase()
          .regex(/^[a-z0-9.-]{1,253}$/),
      )
      .max(50),
    main_location: nullableText(500),
    phone: nullableText(50),
    email_system: nullableText(100),
    phone_system: nullableText(100),
  })
  .partial();
const planBody = z.object({
  plan_name: z.string().trim().max(100).nullable(),
  contract_term: z.string().trim().max(40).nullable(),
  contract_start: z.iso.date().nullable(),
});
const featuresBody = z.object({ overrides: z.record(z.string(), z.string().trim().min(1).max(100).nullable()) });
const locationBody = z.object({
  name: z.string().trim().min(1).max(150),
  address: z.string().trim().min(1).max(500),
  phone: nullableText(50).optional(),
});

/** Loads a company the caller may see, or 404. */
export async function visibleCompany(
  request: Parameters<typeof scopeOf>[0],
  db: CodexDb,
  account: string,
): Promise<CompanyWithPlan> {
  const company = await findCompany(db, account);
  if (company === undefined) throw new AppError('not_found', 'Company not found');
  await assertVisible(request, db, company.id, 'Company');
  return company;
}

/** The companies API: lists, bulk read, detail, and the edits each role may make. */
export const companyApiRoutes: FastifyPluginAsync<{ db: CodexDb; now: () => Date }> = async (base, { db, now }) => {
  const app = base.withTypeProvider<ZodTypeProvider>();
  const readers = { services: SERVICE_ACCESS.companies };

  app.get(
    '/api/companies',
    {
      preHandler: allow('directory:read', readers),
      schema: { querystring: listQuery, response: { 200: pageOf(companySchema) } },
      config: {
        summary: 'Companies, searched (name, account number), sorted and paged',
        access: 'users (clients: their own); services: ' + readers.services.join(', '),
      },
    },
    async (request) => {
      const { q, sort, dir, archived, page, per_page: perPage } = request.query;
      const result = await listCompanies(db, {
        q,
        sort,
        dir,
        archived,
        page,
        perPage,
        scope: await scopeOf(request, db),
      });
      return { items: result.items.map(presentCompany), page, per_page: perPage, total: result.total };
    },
  );

  app.get(
    '/api/companies/bulk',
    {
      preHandler: allow('directory:bulk', { services: SERVICE_ACCESS.companiesBulk }),
      schema: {
        querystring: z.object({
          page: pagingQuery.page,
          per_page: z.coerce.number().int().min(1).max(500).default(100),
        }),
        response: {
          200: pageOf(
            z.object({
              company: companySchema,
              feature_overrides: z.record(z.string(), z.string()),
              assets: z.array(assetSchema),
              contacts: z.array(contactSchema),
              locations: z.array(locationSchema),
            }),
          ),
        },
      },
      config: {
        summary: 'Active companies with their assets, contacts, locations and feature overrides (a page at a time)',
        access: 'admin, technician, billing; services: ledger',
      },
    },
    async (request) => {
      const { page, per_page: perPage } = request.query;
      const result = await bulkCompanies(db, { page, perPage });
      return {
        items: result.items.map((entry) => ({
          company: presentCompany(entry.company),
          feature_overrides: entry.featureOverrides,
          assets: entry.assets.map((asset) => presentAsset(asset, entry.company.accountNumber)),
          contacts: entry.contacts.map((contact) =>
            presentContact({
              ...contact,
              companies: [
                { id: entry.company.id, accountNumber: entry.company.accountNumber, name: entry.company.name },
              ],
            }),
          ),
          locations: entry.locations.map(({ id, name, address, phone }) => ({ id, name, address, phone })),
        })),
        page,
        per_page: perPage,
        total: result.total,
      };
    },
  );

  app.get(
    '/api/companies/:account',
    {
      preHandler: allow('directory:read', readers),
      schema: { params: accountParams, response: { 200: detailSchema } },
      config: {
        summary: 'One company with its locations and effective features',
        access: 'users (clients: their own); services: ' + readers.services.join(', '),
      },
    },
    async (request) => {
      const company = await visibleCompany(request, db, request.params.account);
      const [locations, features] = await Promise.all([locationsOf(db, company.id), effectiveFeatures(db, company)]);
      return {
        company: presentCompany(company),
        locations: locations.map(({ id, name, address, phone }) => ({ id, name, address, phone })),
        features: features.map((feature) => ({
          key: feature.key,
          display_name: feature.displayName,
          plan_value: feature.planValue,
          override: feature.override,
          value: feature.value,
          source: feature.source,
        })),
      };
    },
  );

  app.patch(
    '/api/companies/:account',
    {
      preHandler: allow('company:edit'),
      schema: { params: accountParams, body: detailsBody, response: { 200: companySchema } },
      config: {
        summary: 'Edit operational fields (compliance level, domains, locations, systems)',
        access: 'admin, technician',
      },
    },
    async (request) => {
      const company = await visibleCompany(request, db, request.params.account);
      const body = request.body;
      const updated = await editDetails(
        db,
        company,
        {
          ...(body.description !== undefined ? { description: body.description } : {}),
          ...(body.compliance_level !== undefined ? { complianceLevel: body.compliance_level } : {}),
          ...(body.domains !== undefined ? { domains: body.domains } : {}),
          ...(body.main_location !== undefined ? { mainLocation: body.main_location } : {}),
          ...(body.phone !== undefined ? { phone: body.phone } : {}),
          ...(body.email_system !== undefined ? { emailSystem: body.email_system } : {}),
          ...(body.phone_system !== undefined ? { phoneSystem: body.phone_system } : {}),
        },
        now(),
      );
      return presentCompany(updated);
    },
  );

  app.put(
    '/api/companies/:account/plan',
    {
      preHandler: allow('company:plan'),
      schema: { params: accountParams, body: planBody, response: { 200: companySchema } },
      config: {
        summary: "Set a company's plan, contract term and start (the plan must exist for the term)",
        access: 'admin, billing',
      },
    },
    async (request) => {
      const company = await visibleCompany(request, db, request.params.account);
      const { plan_name: planName, contract_term: contractTerm, contract_start: contractStart } = request.body;
      return presentCompany(
        await changePlan(db, actorOf(request), company, { planName, contractTerm, contractStart }, now()),
      );
    },
  );

  app.put(
    '/api/companies/:account/features',
    {
      preHandler: allow('company:plan'),
      schema: { params: accountParams, body: featuresBody, response: { 200: z.array(featureSchema) } },
      config: { summary: 'Set (value) or clear (null) per-company feature overrides', access: 'admin, billing' },
    },
    async (request) => {
      const company = await visibleCompany(request, db, request.params.account);
      await changeFeatures(db, actorOf(request), company, request.body.overrides, now());
      return (await effectiveFeatures(db, company)).map((feature) => ({
        key: feature.key,
        display_name: feature.displayName,
        plan_value: feature.planValue,
        override: feature.override,
        value: feature.value,
        source: feature.source,
      }));
    },
  );

  app.post(
    '/api/companies/:account/locations',
    {
      preHandler: allow('company:edit'),
      schema: { params: accountParams, body: locationBody, response: { 201: locationSchema } },
      config: { summary: 'Add a location', access: 'admin, technician' },
    },
    async (request, reply) => {
      const company = await visibleCompany(request, db, request.params.account);
      const { id, name, address, phone } = await addLocation(
        db,
        company.id,
        { name: request.body.name, address: request.body.address, phone: request.body.phone ?? null },
        now(),
      );
      return reply.code(201).send({ id, name, address, phone });
    },
  );

  app.delete(
    '/api/companies/:account/locations/:id',
    {
      preHandler: allow('company:edit'),
      schema: { params: accountParams.extend({ id: z.coerce.number().int().positive() }) },
      config: { summary: 'Delete a location', access: 'admin, technician' },
    },
    async (request, reply) => {
      const company = await visibleCompany(request, db, request.params.account);
      if (!(await deleteLocation(db, company.id, request.params.id)))
        throw new AppError('not_found', 'Location not found');
      return reply.code(204).send();
    },
  );
};
